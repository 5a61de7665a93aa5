import { cpuShare } from '../fanout/lambda-cpu-model';
import { median } from '../median';
import type { CostResults, CostRow, RoomMessageCost } from './cost-suite';
import { BUDGET_PRICE_CEILING, PRICES } from './prices';

/**
 * The cost section of BENCHMARKS.md: room messages next to the Scan-all baseline, the
 * namespace sweep, every operation in detail, the cost model and its formula.
 *
 * @example
 * const markdown = formatCostMarkdown(await measureCosts(plan, log));
 */
export function formatCostMarkdown(results: CostResults): string {
  const { plan, rows, sweep, budget, goneMember, ackedEmit, mixedRoom, clientCpu } = results;
  const find = (lookup: string, operation: string, roomSize: number): CostRow | undefined =>
    rows.find((r) => r.lookup === lookup && r.operation === operation && r.roomSize === roomSize);
  const lines: string[] = [];
  lines.push(
    `Namespace \`/\` holds **${count(plan.others)} other connections** besides the room; room sizes ${plan.roomSizes.map(count).join(', ')} (the sender included). ` +
      `Each figure is one operation; counts are from the last of ${plan.repeats} measured cycles (after a warm-up cycle), times are their median. ` +
      'The chat app (`createChatApp`) runs on the real `DynamoDbMembershipStore`, `DynamoDbMessageLog` and `DynamoDbPresenceStore` against DynamoDB Local (in memory) with `ReturnConsumedCapacity: TOTAL` on every request; ' +
      'posts go to a counting fake of the `@connections` API, so handler times include DynamoDB Local round trips but no network posts.',
    '',
    '### Room message: Query of the room vs Scan-all baseline',
    '',
    '| room size | recipients | Query: DynamoDB requests | Query: RCU | Scan-all: DynamoDB requests | Scan-all: RCU | management-API calls | Query: $ per million messages | Scan-all: $ per million messages |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const roomSize of plan.roomSizes) {
    const query = find('query', 'room message', roomSize);
    const scan = find('scan-all', 'room message', roomSize);
    if (!query || !scan) continue;
    lines.push(
      `| ${count(roomSize)} | ${count(query.expectedRecipients)} | ${query.dynamoDb.requests} | ${units(query.dynamoDb.rcu)} | ${scan.dynamoDb.requests} | ${units(scan.dynamoDb.rcu)} | ${count(query.managementApiCalls)} | ${dollars(query.costPerMillion.total)} | ${dollars(scan.costPerMillion.total)} |`,
    );
  }
  lines.push(
    '',
    '### Room message to a room of 10 as the namespace grows',
    '',
    '| other connections in `/` | Query: requests | Query: RCU | Query: WCU | Scan-all: requests | Scan-all: RCU | management-API calls |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const others of [...new Set(sweep.map((row) => row.others))]) {
    const query = sweep.find((row) => row.lookup === 'query' && row.others === others);
    const scan = sweep.find((row) => row.lookup === 'scan-all' && row.others === others);
    if (!query || !scan) continue;
    lines.push(
      `| ${count(others)} | ${query.dynamoDb.requests} | ${units(query.dynamoDb.rcu)} | ${units(query.dynamoDb.wcu)} | ${scan.dynamoDb.requests} | ${units(scan.dynamoDb.rcu)} | ${query.managementApiCalls} |`,
    );
  }
  lines.push(
    '',
    "With the Query, a room message reads the sender (GetItem) and one partition of the room (Query), counts the frame in its user's budget (UpdateItem: 1 WCU), and, the room being durable, numbers and stores the message (UpdateItem of the room counter, PutItem of the message: 2 WCU for a message under 1 KB): its requests and capacity follow the room, not the namespace. The frames here are numbered (`n`), as the client SDK numbers them with `ordered: true`, so each also records its turn (one conditional UpdateItem: 1 WCU) for the per-sender order (without `ordered`, one write less); a frame that arrives before the one sent before it also reads the sender again while it waits (not in these figures: the frames here come one at a time).",
    'The Scan-all baseline reads the whole table on every lookup, so its capacity follows the table (every connection and membership item).',
  );
  if (budget) {
    lines.push(
      '',
      '### Per-user message budget',
      '',
      `Every frame of a known connection is counted in its user's window item with one conditional UpdateItem (\`ADD\` of the frame and of the recipients it reserves): ${budget.writeRequests} write request, ${units(budget.wcu)} WCU, measured with the largest key (a 128-character user id) and the fullest item. ` +
        `That is **${dollars(budget.dollarsPerMillion)} per million messages** at $${PRICES.dynamoDbWriteUnitPerMillion} per million write request units (goal: under $${BUDGET_PRICE_CEILING.toFixed(2)}). ` +
        "It is included in every message row above. A message whose emits reach more recipients than the frame reserved (50 by default, or what the user's last frame in the same process reached, up to 200) pays one more such write for the excess; a process remembers a user out of budget until the window ends, so a flood costs no writes.",
    );
  }
  if (goneMember) {
    lines.push(
      '',
      '### A room message past a gone member at the room cap',
      '',
      `A member of the room is gone without \`$disconnect\` while in ${goneMember.rooms} rooms (the room cap). The post that finds it gone (410) hands its clean-up to the \`worker\` function (one asynchronous invocation); the sender's request pays only for its own work.`,
      '',
      '| room message (room of 10) | DynamoDB requests | Lambda invocations | handler ms |',
      '| --- | ---: | ---: | ---: |',
      `| every member connected | ${goneMember.normal.dynamoDbRequests} | ${goneMember.normal.lambdaInvocations} | ${goneMember.normal.handlerMs} |`,
      `| one member gone, in ${goneMember.rooms} rooms | ${goneMember.withGone.dynamoDbRequests} | ${goneMember.withGone.lambdaInvocations} | ${goneMember.withGone.handlerMs} |`,
    );
  }
  if (ackedEmit) {
    lines.push(
      '',
      '### An acked emit to one socket (server → client ack)',
      '',
      `A handler's \`socket.timeout(5_000).emitWithAck('question')\`, answered at once by the socket, both frames counted: ${ackedEmit.dynamoDbRequests} DynamoDB requests, ${units(ackedEmit.rcu)} RCU, ${units(ackedEmit.wcu)} WCU (median). ` +
        'Over a frame of its own, the ack adds the pending-ack item (PutItem), the answer (one conditional UpdateItem, in the answering invocation), the reads of the answers (consistent GetItem, 25 ms apart at first, doubling to 400 ms: one or two for an answer within 25 ms) and the DeleteItem. ' +
        `With both invocations and their API Gateway messages: **${dollars(ackedEmit.dollarsPerMillion)} per million acked emits** (Lambda duration not included).`,
    );
  }
  if (mixedRoom) {
    const row = (label: string, cost: RoomMessageCost) =>
      `| ${label} | ${cost.dynamoDbRequests} | ${units(cost.rcu)} | ${units(cost.wcu)} | ${cost.posts} | ${cost.apiGatewayMessages} | ${cost.framesEncoded} | ${dollars(cost.dollarsPerMillion)} |`;
    lines.push(
      '',
      '### A room message to JSON and Socket.IO clients together',
      '',
      `A room message to a room of ${mixedRoom.roomSize}, all JSON-protocol clients, then with ${mixedRoom.socketIoMembers} of them Socket.IO clients (median). The reads, writes and posts are the same; the fan-out encodes the message once per protocol (frames encoded), not once per recipient.`,
      '',
      '| room of 10 | DynamoDB requests | RCU | WCU | posts | API Gateway messages | frames encoded | $ per million (no Lambda duration) |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      row('JSON-protocol clients only', mixedRoom.json),
      row(`${mixedRoom.socketIoMembers} of them Socket.IO clients`, mixedRoom.mixed),
    );
  }
  if (clientCpu) {
    const before = median(clientCpu.sdkDefaultMicros);
    const after = median(clientCpu.chatMicros);
    lines.push(
      '',
      "### The DynamoDB client's own CPU",
      '',
      `CPU of this process per read of a room of ${clientCpu.roomSize} (\`recipients()\`: one Query of the room's partition, as a room message makes), ${count(clientCpu.reads)} reads per round after as many warm-up reads, the two clients in turn; median of ${clientCpu.chatMicros.length} rounds. ` +
        "The SDK's default document client runs its logger middleware on every call, which copies the input and every returned item through their sensitive-data filters even when nothing is logged; `chatDocumentClient` (the stores' default, `lambdas/adapters/dynamodb-document-client.ts`) leaves it out unless a logger is configured.",
      '',
      '| document client | CPU per read, µs | per round, µs |',
      '| --- | ---: | --- |',
      `| SDK default (\`DynamoDBDocumentClient.from\`, logger middleware on) | ${count(before)} | ${clientCpu.sdkDefaultMicros.map(count).join(', ')} |`,
      `| \`chatDocumentClient\` (no logger middleware) | ${count(after)} | ${clientCpu.chatMicros.map(count).join(', ')} |`,
      '',
      `Before → after: **${count(before)} → ${count(after)} µs** per read (${Math.round((1 - after / before) * 100)} % less).`,
    );
  }
  for (const lookup of ['query', 'scan-all'] as const) {
    lines.push(
      '',
      lookup === 'query'
        ? '### Every operation (Query of one partition, as deployed)'
        : '### Every operation (Scan-all baseline)',
      '',
      `| operation | room size | recipients | DynamoDB requests (read/write) | RCU | WCU | management-API calls | Lambda invocations | API Gateway messages | handler ms (median) | of it CPU ms | Lambda ms | $ per million operations |`,
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const row of rows.filter((r) => r.lookup === lookup)) {
      const ddb = row.dynamoDb;
      lines.push(
        `| ${row.operation}${row.stable ? '' : ' (varied)'} | ${count(row.roomSize)} | ${count(row.expectedRecipients)} | ${ddb.requests} (${ddb.readRequests}/${ddb.writeRequests}) | ${units(ddb.rcu)} | ${units(ddb.wcu)} | ${count(row.managementApiCalls)} | ${row.lambdaInvocations} | ${count(row.messageUnits)} | ${row.handlerMsMedian.toFixed(1)} | ${row.handlerCpuMsMedian.toFixed(1)} | ${row.lambdaMs.toFixed(0)} | ${dollars(row.costPerMillion.total)} |`,
      );
    }
  }
  const mismatched = rows.filter((row) => row.managementApiCalls !== row.expectedRecipients);
  lines.push(
    '',
    '### Cost model',
    '',
    `Dollars per million operations = API Gateway messages × $${PRICES.apiGatewayMessagePerMillion.toFixed(2)} + Lambda invocations × $${PRICES.lambdaRequestPerMillion.toFixed(2)} ` +
      `+ Lambda invocations × ⌈Lambda ms⌉ / 1000 × the function's MB / 1024 × $${PRICES.lambdaArmGbSecond} per GB-second × 10⁶ ` +
      `+ RCU × $${PRICES.dynamoDbReadUnitPerMillion} + WCU × $${PRICES.dynamoDbWriteUnitPerMillion}` +
      ' (us-east-1 prices from `shared/reference/apigw-websocket.md`; DynamoDB on-demand, where a read request unit is 4 KB strongly consistent or 8 KB eventually consistent and a write request unit 1 KB).',
    '',
    '- **API Gateway messages**: the client frame in, every post out and the ack frame of the route response, each metered per started 32 KB (every frame here is under 32 KB). Connection minutes are not per operation and are left out.',
    "- **Lambda invocations**: 1 for the route's function (`connect`, `message` or `disconnect`) plus one asynchronous invocation of `worker` per hand-off to the after-connect worker (none in namespace `/`, whose connection hook sends nothing).",
    `- **Lambda duration**: the measured median handler time on this machine with its CPU part (\`process.cpuUsage\` over the call) stretched to the CPU share of its function's memory (1,769 MB is one vCPU), the rest (DynamoDB Local's round trips) as measured: Lambda ms = (handler ms − CPU ms) + CPU ms ÷ share, billed per started ms, arm64. Connect and disconnect run in functions of ${plan.otherMemoryMb} MB (${cpuShare(plan.otherMemoryMb).toFixed(3)} of a vCPU), every other operation in \`message\`, of ${plan.lambdaMemoryMb} MB (${cpuShare(plan.lambdaMemoryMb).toFixed(3)}). Tracing is off here (it costs the deployed functions more CPU: see the fan-out section). Posts here go to an in-process fake, so they cost neither network time nor the CPU of a real post: fan-outs to many recipients take longer on AWS (docs/costs.md adds both).`,
    '- **DynamoDB**: consumed capacity as DynamoDB Local reports it; the store reads strongly consistent, the Scan-all baseline eventually consistent (as the samples do), which halves its RCU per byte.',
    `- **Management-API calls** equal the recipients in ${mismatched.length === 0 ? 'every row' : `all rows but ${mismatched.map((r) => `${r.lookup} ${r.operation} (room ${r.roomSize})`).join(', ')}`}: one PostToConnection per recipient, none for the sender; acks travel in the route response.`,
    '- **Scan-all baseline**: the same app and store, except that `members()` scans the table (paginated, filter on `ns` and `contains(rooms, room)`), as the common samples look up recipients.',
  );
  return lines.join('\n');
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

function units(value: number): string {
  return Number.isInteger(value)
    ? count(value)
    : value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

function dollars(value: number): string {
  return `$${value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
