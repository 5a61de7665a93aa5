/**
 * Re-measures the attacks of issue 12 on the membership store against DynamoDB Local and
 * prints the figures as JSON (docs/reliability.md, "Membership store"):
 *
 *   npx tsx bench/attacks/run-membership-attacks.ts
 */
import {
  createChatTable,
  createDynamoDbLocalClient,
  startDynamoDbLocal,
} from '../../local/dynamodb-local';
import { MembershipAttacks } from './membership-attacks';

async function main(): Promise<void> {
  const db = await startDynamoDbLocal();
  const clients: ReturnType<typeof createDynamoDbLocalClient>[] = [];
  try {
    let tables = 0;
    const fresh = async () => {
      const client = createDynamoDbLocalClient(db.endpoint);
      clients.push(client);
      const tableName = `attacks-${++tables}`;
      await createChatTable({ client, tableName });
      return new MembershipAttacks({ client, tableName, presenceEnterDelayMs });
    };
    let presenceEnterDelayMs = 0;
    const flood = await (await fresh()).roomFlood({ rooms: 1_500, roomLength: 16 });
    const longNames = await (await fresh()).roomFlood({ rooms: 3_174, roomLength: 128 });
    const races = await (await fresh()).joinDisconnectRaces(40);
    presenceEnterDelayMs = 30;
    const slowRaces = await (await fresh()).joinDisconnectRaces(40);
    console.log(JSON.stringify({ flood, longNames, races, slowRaces }, null, 2));
  } finally {
    for (const client of clients) client.destroy();
    await db.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
