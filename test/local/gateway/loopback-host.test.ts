import type { IncomingMessage, ServerResponse } from 'node:http';
import { loopbackHostCheck } from '../../../local/gateway/loopback-host';

/** Runs the check on a request with this `Host`; the status it answered, or `undefined` when it let it through. */
function statusFor(host: string | undefined, listenHost?: string): number | undefined {
  let status: number | undefined;
  const res = {
    headersSent: false,
    writeHead: (code: number) => {
      status = code;
      return res;
    },
    setHeader: () => res,
    end: () => res,
  } as unknown as ServerResponse;
  const req = { headers: host === undefined ? {} : { host } } as IncomingMessage;
  const refused = loopbackHostCheck(listenHost)(req, res);
  expect(refused).toBe(status !== undefined);
  return status;
}

describe('Function: loopbackHostCheck', () => {
  it.each([
    'localhost',
    'localhost:3001',
    'LOCALHOST:3001',
    '127.0.0.1',
    '127.0.0.1:80',
    '[::1]',
    '[::1]:3001',
  ])('lets Host %s through', (host) => {
    expect(statusFor(host)).toBeUndefined();
  });

  it.each([
    ['a rebound attacker name', 'evil.example:3001'],
    ['a look-alike', 'localhost.evil.example'],
    ['a wildcard DNS name of 127.0.0.1', '127.0.0.1.nip.io:3001'],
    ['user info', 'a@localhost'],
    ['a path', 'localhost/x'],
    ['a LAN address', '192.168.1.5:3001'],
    ['no Host at all', undefined],
    ['an empty Host', ''],
  ])('refuses %s (%s) with 403', (_case, host) => {
    expect(statusFor(host)).toBe(403);
  });

  it('also lets through the address the gateway listens on, when it is not a loopback one', () => {
    expect(statusFor('192.168.1.5:3001', '192.168.1.5')).toBeUndefined();
    expect(statusFor('192.168.1.6:3001', '192.168.1.5')).toBe(403);
    // A wildcard listen address names no host.
    expect(statusFor('0.0.0.0:3001', '0.0.0.0')).toBe(403);
  });
});
