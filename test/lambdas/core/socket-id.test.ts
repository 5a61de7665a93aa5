import { isSocketId } from '../../../lambdas/core/socket-id';

describe('Function: isSocketId', () => {
  it.each([
    ['R1kmxc2VNjMCFIA=', 'base64'],
    ['a+b/cdefghijklm=', 'base64 with + and /'],
    ['JC1dgf9yoAMCK-g=', 'base64url with - (seen in AWS logs)'],
    ['L0SM9cOF_HcCIhw=', 'base64url with _'],
  ])('accepts %s (%s)', (id) => {
    expect(isSocketId(id)).toBe(true);
  });

  it.each(['lobby', 'R1kmxc2VNjMCFIA', 'R1kmxc2VNjMCFIA==', 'R1kmxc2VNjMC.IA=', ''])(
    'rejects %s',
    (value) => {
      expect(isSocketId(value)).toBe(false);
    },
  );
});
