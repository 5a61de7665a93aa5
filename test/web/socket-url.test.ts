import { PAGE_CONFIG_FILE } from '../../definitions/page-config';
import {
  type FetchPageFile,
  type PageLocation,
  resolveSocketUrl,
  socketUrl,
} from '../../web/socket-url';

const LOCAL: PageLocation = { protocol: 'http:', host: 'localhost:3001', search: '' };
const DEPLOYED: PageLocation = { protocol: 'https:', host: 'd111.cloudfront.net', search: '' };
const STAGE_URL = 'wss://abc.execute-api.eu-west-1.amazonaws.com/dev';

/** A fetch that answers every file with `status` and the JSON `json()` returns (or throws). */
function fetchAnswering(status: number, json: () => unknown): jest.MockedFunction<FetchPageFile> {
  return jest.fn(async (_url: string) => ({
    ok: status >= 200 && status < 300,
    json: async () => json(),
  }));
}

/** A fetch that fails like a browser offline. */
function fetchFailing(): jest.MockedFunction<FetchPageFile> {
  return jest.fn(async (_url: string) => {
    throw new TypeError('Failed to fetch');
  });
}

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
    it('uses webSocketUrl of config.json when the page has no ?ws=', async () => {
      // Prepare
      const fetchFile = fetchAnswering(200, () => ({ webSocketUrl: STAGE_URL }));

      // Act
      const url = await resolveSocketUrl(DEPLOYED, fetchFile);

      // Assess
      expect(url).toBe(STAGE_URL);
      expect(fetchFile).toHaveBeenCalledWith(PAGE_CONFIG_FILE);
    });

    it('prefers ?ws= and does not fetch config.json', async () => {
      // Prepare
      const fetchFile = fetchAnswering(200, () => ({ webSocketUrl: STAGE_URL }));
      const location = { ...DEPLOYED, search: '?ws=ws%3A%2F%2Fother.test%2Fx' };

      // Act
      const url = await resolveSocketUrl(location, fetchFile);

      // Assess
      expect(url).toBe('ws://other.test/x');
      expect(fetchFile).not.toHaveBeenCalled();
    });

    it.each([
      ['a 404', fetchAnswering(404, () => ({ webSocketUrl: STAGE_URL }))],
      [
        'invalid JSON',
        fetchAnswering(200, () => {
          throw new SyntaxError('Unexpected token <');
        }),
      ],
      ['no webSocketUrl', fetchAnswering(200, () => ({ url: STAGE_URL }))],
      ['an empty webSocketUrl', fetchAnswering(200, () => ({ webSocketUrl: '' }))],
      ['a non-string webSocketUrl', fetchAnswering(200, () => ({ webSocketUrl: 42 }))],
      ['JSON null', fetchAnswering(200, () => null)],
      ['a network error', fetchFailing()],
    ])('falls back to the page host and ?stage= on %s', async (_case, fetchFile) => {
      // Prepare
      const location = { ...LOCAL, search: '?stage=dev' };

      // Act
      const url = await resolveSocketUrl(location, fetchFile);

      // Assess
      expect(url).toBe('ws://localhost:3001/dev');
    });
  });
});
