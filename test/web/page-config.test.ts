import { PAGE_CONFIG_FILE } from '../../definitions/page-config';
import { type FetchPageFile, readPageConfig } from '../../web/page-config';

const STAGE_URL = 'wss://abc.execute-api.eu-west-1.amazonaws.com/dev';
const SIGN_IN = {
  issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc',
  clientId: 'client-1',
  scope: 'openid profile',
  logoutEndpoint: 'https://chat-1.auth.eu-west-1.amazoncognito.com/logout',
};

/** A fetch that answers every file with `status` and the JSON `json()` returns (or throws). */
function fetchAnswering(status: number, json: () => unknown): jest.MockedFunction<FetchPageFile> {
  return jest.fn(async (_url: string) => ({
    ok: status >= 200 && status < 300,
    json: async () => json(),
  }));
}

describe('Module: page-config', () => {
  describe('Function: readPageConfig', () => {
    it('reads the stage URL and the sign-in settings of config.json', async () => {
      // Prepare
      const fetchFile = fetchAnswering(200, () => ({ webSocketUrl: STAGE_URL, signIn: SIGN_IN }));

      // Act
      const config = await readPageConfig(fetchFile);

      // Assess
      expect(config).toEqual({ webSocketUrl: STAGE_URL, signIn: SIGN_IN });
      expect(fetchFile).toHaveBeenCalledWith(PAGE_CONFIG_FILE);
    });

    it('accepts the local runtime config: sign-in only, over http', async () => {
      // Prepare
      const signIn = {
        issuer: 'http://localhost:3001/oidc',
        clientId: 'chat-page',
        scope: 'openid',
      };

      // Act
      const config = await readPageConfig(fetchAnswering(200, () => ({ signIn })));

      // Assess
      expect(config).toEqual({ signIn });
    });

    it.each([
      ['a 404', fetchAnswering(404, () => ({ webSocketUrl: STAGE_URL }))],
      [
        'invalid JSON',
        fetchAnswering(200, () => {
          throw new SyntaxError('Unexpected token <');
        }),
      ],
      ['an empty webSocketUrl', fetchAnswering(200, () => ({ webSocketUrl: '' }))],
      ['a non-string webSocketUrl', fetchAnswering(200, () => ({ webSocketUrl: 42 }))],
      ['an https webSocketUrl', fetchAnswering(200, () => ({ webSocketUrl: 'https://x.test' }))],
      [
        'a sign-in without a client id',
        fetchAnswering(200, () => ({ signIn: { ...SIGN_IN, clientId: '' } })),
      ],
      [
        'a sign-in issuer that is not a URL',
        fetchAnswering(200, () => ({ signIn: { ...SIGN_IN, issuer: 'javascript:alert(1)' } })),
      ],
      ['JSON null', fetchAnswering(200, () => null)],
      [
        'a network error',
        jest.fn(async (_url: string) => {
          throw new TypeError('Failed to fetch');
        }),
      ],
    ])('is undefined on %s', async (_case, fetchFile) => {
      // Act / Assess
      expect(await readPageConfig(fetchFile)).toBeUndefined();
    });
  });
});
