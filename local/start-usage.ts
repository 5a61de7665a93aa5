/** What `npm start -- --help` prints: every option of `npm start`. */
export const START_USAGE = `Usage: npm start -- [options]

Runs the chat on this machine: DynamoDB Local with the chat table, and the API Gateway
emulator running the stack's Lambda handlers, the $connect authorizer included, and a local
OIDC issuer at /oidc where the chat page signs in (pick a name; its RS256 key is kept in
.data/oidc/keys.json). Prints the chat page's URL, the WebSocket URL and wscat lines with
tokens, then "ready". Ctrl-C closes
every connection (their $disconnect runs) and stops DynamoDB Local.

Options:
  --port <n>     port of the chat page and the WebSocket API (default $PORT, else 3001;
                 0 takes a free one)
  --in-memory    keep no data: DynamoDB Local in memory (default: kept in .data/dynamodb)
  --data-dir <dir>
                 where DynamoDB Local keeps the data (default .data/dynamodb)
  --anonymous    no tokens, no sign-in: every connection is let in as a guest (prints a
                 warning first)
  --drop-disconnects <share>
                 fault injection: drop this share (0 to 1) of $disconnect events, as AWS
                 delivers them on a best-effort basis; clean-up after 410 and TTL then runs
  --nest <file>#<ExportName>
                 run a Nest module's gateways instead of the chat (the stack's nestModule),
                 e.g. examples/nest-chat/chat.module.ts#ChatModule; the chat page does not
                 speak to them (use socket.io-client, the client SDK or wscat)
  -h, --help     print this help

More tokens for wscat: npm run token -- --help
Push events from outside the chat: npx apigw-chat emit --help
`;
