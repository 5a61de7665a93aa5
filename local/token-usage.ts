/** What `npm run token -- --help` prints: every option of `npm run token`. */
export const TOKEN_USAGE = `Usage: npm run token -- --user <id> [--name <display name>] [--expires <duration>] [--port <port>]

Prints an access token of the local OIDC issuer that \`npm start\` runs (unless it runs with
--anonymous), signed with its RS256 key in .data/oidc/keys.json: the token the chat page gets
by signing in. Each option also takes the form --option=value.

Options:
  --user <id>             the user's id (the token's subject); required
  --name <display name>   the name others see (default: the id)
  --expires <duration>    how long the token is valid: a number and a unit, such as
                          90s, 30m, 12h or 7d (default 12h)
  --port <port>           the port of \`npm start\`, which names the issuer
                          (default: $PORT, else 3001)
  -h, --help              print this help

Example:
  npx wscat -c "ws://localhost:3001/local?ns=/" -s apigw-chat -s "token.$(npm run -s token -- --user alice)"
  (the token travels as a subprotocol, never in the URL)
`;
