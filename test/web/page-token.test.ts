import { pageTokenSource } from '../../web/page-socket';

const answer = (ok: boolean, body: unknown) => async () => ({ ok, json: async () => body });

describe('Function: pageTokenSource', () => {
  it("prefers the page's ?token=", async () => {
    const fetchUrl = jest.fn(answer(true, { token: 'dev' }));
    await expect(pageTokenSource('?token=given', fetchUrl)('Ann')).resolves.toBe('given');
    expect(fetchUrl).not.toHaveBeenCalled();
  });

  it('asks /dev-token for the name, as a user id of safe characters', async () => {
    const fetchUrl = jest.fn(answer(true, { token: 'dev' }));
    await expect(pageTokenSource('', fetchUrl)('Ann Lee!')).resolves.toBe('dev');
    expect(fetchUrl).toHaveBeenCalledWith('/dev-token?user=AnnLee&name=Ann%20Lee!');
  });

  it('connects without a token when there is no /dev-token (anonymous mode, deployed page)', async () => {
    await expect(pageTokenSource('', answer(false, {}))('Ann')).resolves.toBeUndefined();
    const failing = async () => Promise.reject(new Error('offline'));
    await expect(pageTokenSource('', failing)('Ann')).resolves.toBeUndefined();
  });
});
