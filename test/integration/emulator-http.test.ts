import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayPool } from './emulator-support';

const pool = gatewayPool();
let staticDir: string;

beforeAll(async () => {
  staticDir = await mkdtemp(join(tmpdir(), 'gateway-static-'));
  await writeFile(join(staticDir, 'index.html'), '<h1>chat</h1>');
  await writeFile(join(staticDir, 'app.js'), 'console.log(1)');
});

afterAll(async () => {
  await pool.stopAll();
  await rm(staticDir, { recursive: true, force: true });
});

describe('Emulator: the HTTP server', () => {
  it('serves static files on the same port when staticDir is set', async () => {
    const gateway = await pool.start({ staticDir });
    const base = `http://127.0.0.1:${gateway.port}`;

    const index = await fetch(`${base}/`);
    const script = await fetch(`${base}/app.js`);

    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await index.text()).toBe('<h1>chat</h1>');
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('answers 404 for other paths, including ones that leave staticDir', async () => {
    const gateway = await pool.start({ staticDir });
    const base = `http://127.0.0.1:${gateway.port}`;

    const responses = await Promise.all(
      ['/missing.js', '/..%2Fetc%2Fpasswd', '/2015-03-31/functions'].map((path) =>
        fetch(`${base}${path}`),
      ),
    );

    expect(responses.map((response) => response.status)).toEqual([404, 404, 404]);
  });

  it('serves no files without staticDir', async () => {
    const gateway = await pool.start({});

    expect((await fetch(`http://127.0.0.1:${gateway.port}/`)).status).toBe(404);
  });
});
