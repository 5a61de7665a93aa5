/**
 * One round of the `post-cpu` suite, in a fresh process: `tsx post-worker.ts <poster>
 * <posts>` starts a server in this process that reads each body and answers 200 at once, as
 * `@connections` does, warms the poster up, posts `posts` frames 64 in flight, and prints
 * `{"micros"}`: this process's CPU per post, the server's share included (the measure of
 * issue 18).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mapWithConcurrency } from '../../lambdas/core/map-with-concurrency';
import type { ConnectionPoster } from '../../lambdas/core/ports';
import { CONNECTION_ID, FRAME, IN_FLIGHT, POSTERS, WARM_UP_POSTS } from './posters';

async function postMany(poster: ConnectionPoster, posts: number): Promise<void> {
  const results = await mapWithConcurrency(
    Array.from({ length: posts }, () => CONNECTION_ID),
    IN_FLIGHT,
    (id) => poster.post(id, FRAME),
  );
  const failed = results.find(
    (result) => result.status === 'rejected' || result.value !== 'delivered',
  );
  if (failed) throw new Error(`a post was not delivered: ${JSON.stringify(failed)}`);
}

async function main(): Promise<void> {
  const [id, postsArgument] = process.argv.slice(2);
  const under = POSTERS.find((candidate) => candidate.id === id);
  if (!under || !postsArgument) throw new Error('usage: post-worker <poster> <posts>');
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end());
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { poster, close } = await under.build(
    `http://127.0.0.1:${(server.address() as AddressInfo).port}/bench`,
  );
  await postMany(poster, WARM_UP_POSTS);
  const posts = Number(postsArgument);
  const before = process.cpuUsage();
  await postMany(poster, posts);
  const used = process.cpuUsage(before);
  close();
  server.closeAllConnections();
  server.close();
  process.stdout.write(`${JSON.stringify({ micros: (used.user + used.system) / posts })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
