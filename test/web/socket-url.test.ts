import { type PageLocation, resolveSocketUrl, socketUrl } from '../../web/socket-url';

const LOCAL: PageLocation = { protocol: 'http:', host: 'localhost:3001', search: '' };
const DEPLOYED: PageLocation = { protocol: 'https:', host: 'd111.cloudfront.net', search: '' };
const STAGE_URL = 'wss://abc.execute-api.eu-west-1.amazonaws.com/dev';

describe('Module: socket-url', () => {
  describe('Function: socketUrl', () => {
    it.each([
      [LOCAL, 'ws://localhost:3001/local'],
      [{ ...LOCAL, search: '?stage=dev' }, 'ws://localhost:3001/dev'],
      [DEPLOYED, 'wss://d111.cloudfront.net/local'],
      [{ ...LOCAL, search: `?ws=${encodeURIComponent(STAGE_URL)}` }, STAGE_URL],
    ])('maps %p to %s', (location, expected) => {
      // Act / Assess
      expect(socketUrl(location)).toBe(expected);
    });
  });

  describe('Function: resolveSocketUrl', () => {
    it('uses webSocketUrl of config.json when the page has no ?ws=', () => {
      // Act / Assess
      expect(resolveSocketUrl(DEPLOYED, { webSocketUrl: STAGE_URL })).toBe(STAGE_URL);
    });

    it('prefers ?ws= to config.json', () => {
      // Prepare
      const location = { ...DEPLOYED, search: '?ws=ws%3A%2F%2Fother.test%2Fx' };

      // Act / Assess
      expect(resolveSocketUrl(location, { webSocketUrl: STAGE_URL })).toBe('ws://other.test/x');
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
