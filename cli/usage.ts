import { LOCAL_DISCOVERY_ENV } from './local-discovery';

/** Exit statuses of `apigw-chat`. */
export const EXIT = { ok: 0, failed: 1, usage: 2, nothingMatched: 3 } as const;

/** What `apigw-chat --help` prints. */
export const USAGE = `Usage: apigw-chat emit [options] <event> [data]

Pushes an event to a namespace of the chat, to its rooms or to single connections, from
outside the chat: from any machine allowed by the stack's EmitterPolicyArn, or to the local
runtime of \`npm start\`.

Arguments:
  <event>               event name: 1-64 of A-Z a-z 0-9 _ - : . (not connect, error, ...)
  [data]                the event's data: JSON when it parses ('{"a":1}', 42, true, null),
                        else the text itself; left out, the event carries no data

Options:
  --ns <namespace>      namespace (default /)
  --room <room>         members of this room only; repeat for several rooms
  --to <connectionId>   this connection only; repeat, combine with --room
  --except <room|id>    leave out the members of this room, or this connection; repeat
  --table <name>        the stack's TableName output (default $TABLE_NAME)
  --endpoint <url>      the stack's CallbackUrl output (default $CALLBACK_URL)
  --region <region>     the stack's Region output (default $AWS_REGION, else the endpoint's)
  --ack <ms>            ask every recipient (at most 100) for an answer and wait up to
                        <ms> (at most 9000); prints each answer as JSON, exit 1 if some
                        did not answer in time
  --json                print the report (with --ack: {"responses","complete"}) as JSON
  -h, --help            print this help

Without --table/--endpoint, TABLE_NAME and CALLBACK_URL, it emits to the local runtime that
\`npm start\` announces in .apigw-chat/local.json, looked up from the current directory
upwards ($${LOCAL_DISCOVERY_ENV} names another file, for both). AWS credentials come from
the SDK's default chain (AWS_PROFILE, AWS_ACCESS_KEY_ID, ...). Put -- before data that
starts with a dash.

Prints the report: recipients, delivered, gone (closed connections, now removed), failed.
When no open connection got the event it says why on stderr: an unknown namespace, a
connection closed, unknown or in another namespace, a room without members.
Exit status: 0 emitted, 1 some posts failed or AWS refused, 2 invalid arguments or settings,
3 nothing matched.

Examples:
  npx apigw-chat emit --ns /notification --room room1 hello "text"
  npx apigw-chat emit --to R1kmxc2VNjMCFIA= direct '{"text":"psst"}'
  npx apigw-chat emit --table <TableName> --endpoint <CallbackUrl> --json news '{"id":7}'
  npx apigw-chat emit --room jury --ack 5000 verdict '"case 7"'
`;

/**
 * Bad arguments or settings: the CLI prints the message (and where to read more) and exits 2.
 *
 * @example
 * throw new UsageError('--room needs a value');
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
