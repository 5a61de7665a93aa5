import {
  type PageLocation,
  resolveSocketUrl,
  servedFromLoopback,
  socketUrl,
} from '../../web/socket-url';

const LOCAL: PageLocation = {
  protocol: 'http:',
  host: 'localhost:3001',
  hostname: 'localhost',
  search: '',
};
const DEPLOYED: PageLocation = {
  protocol: 'https:',
  host: 'd111.cloudfront.net',
  hostname: 'd111.cloudfront.net',
  search: '',
};
const STAGE_URL = 'wss://abc.execute-api.eu-west-1.amazonaws.com/dev';
const OTHER = 'wss://evil.example/steal';
const withWs = (location: PageLocation, url: string): PageLocation => ({
  ...location,
  search: `?ws=${encodeURIComponent(url)}`,
});

describe('Module: socket-url', () => {
  describe('Function: socketUrl', () => {
    it.each([
      [LOCAL, 'ws://localhost:3001/local'],
      [{ ...LOCAL, search: '?stage=dev' }, 'ws://localhost:3001/dev'],
      [DEPLOYED, 'wss://d111.cloudfront.net/local'],
      [withWs(LOCAL, STAGE_URL), STAGE_URL],
      [withWs(DEPLOYED, OTHER), 'wss://d111.cloudfront.net/local'],
    ])('maps %p to %s', (location, expected) => {
      // Act / Assess
      expect(socketUrl(location)).toBe(expected);
    });
  });

  describe('Function: servedFromLoopback', () => {
    it.each([
      ['localhost', true],
      ['LOCALHOST', true],
      ['127.0.0.1', true],
      ['[::1]', true],
      ['d111.cloudfront.net', false],
      ['localhost.evil.example', false],
      ['127.0.0.1.nip.io', false],
      ['10.0.0.1', false],
    ])('%s → %s', (hostname, expected) => {
      expect(servedFromLoopback({ hostname })).toBe(expected);
    });
  });

  describe('Function: resolveSocketUrl', () => {
    it('uses webSocketUrl of config.json when the page has no ?ws=', () => {
      // Act / Assess
      expect(resolveSocketUrl(DEPLOYED, { webSocketUrl: STAGE_URL })).toBe(STAGE_URL);
    });

    it('prefers ?ws= to config.json on a page served from localhost, 127.0.0.1 or [::1]', () => {
      for (const [host, hostname] of [
        ['localhost:3001', 'localhost'],
        ['127.0.0.1:3001', '127.0.0.1'],
        ['[::1]:3001', '[::1]'],
      ] as const) {
        const location = withWs({ ...LOCAL, host, hostname }, 'ws://other.test/x');
        expect(resolveSocketUrl(location, { webSocketUrl: STAGE_URL })).toBe('ws://other.test/x');
      }
    });

    it('ignores ?ws= on the deployed page: a link cannot point it at another socket', () => {
      // Act / Assess
      expect(resolveSocketUrl(withWs(DEPLOYED, OTHER), { webSocketUrl: STAGE_URL })).toBe(
        STAGE_URL,
      );
      expect(resolveSocketUrl(withWs(DEPLOYED, OTHER), undefined)).toBe(
        'wss://d111.cloudfront.net/local',
      );
    });

    it.each([
      ['no config.json', undefined],
      ['a config.json without webSocketUrl (npm start)', { signIn: undefined }],
    ])('falls back to the page host and ?stage= with %s', (_case, config) => {
      // Act / Assess
      expect(resolveSocketUrl({ ...LOCAL, search: '?stage=dev' }, config)).toBe(
        'ws://localhost:3001/dev',
      );
    });
  });
});
