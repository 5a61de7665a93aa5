import { isGatewayId, newApiId, newGatewayId } from '../../../local/gateway/ids';

describe('Module: ids', () => {
  describe('Function: newGatewayId', () => {
    it('returns 15 base64url characters and =, as ids in AWS logs (with - and _)', () => {
      const ids = Array.from({ length: 500 }, newGatewayId);

      for (const id of ids) {
        expect(id).toMatch(/^[A-Za-z0-9_-]{15}=$/);
        expect(Buffer.from(id.slice(0, -1), 'base64url')).toHaveLength(11);
      }
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.some((id) => /[-_]/.test(id))).toBe(true);
    });
  });

  describe('Function: isGatewayId', () => {
    it.each([
      ['R1kmxc2VNjMCFIA=', true],
      ['a+b/cdefghijklm=', true],
      ['JC1dgf9yoAMCK-g=', true],
      ['L0SM9cOF_HcCIhw=', true],
      ['R1kmxc2VNjMCFIA', false],
      ['R1kmxc2VNjMCFIA==', false],
      ['R1kmxc2VNjMC.IA=', false],
      ['', false],
    ])('%s → %s', (value, expected) => {
      expect(isGatewayId(value)).toBe(expected);
    });
  });

  describe('Function: newApiId', () => {
    it('returns 10 lowercase letters and digits', () => {
      expect(newApiId()).toMatch(/^[a-z0-9]{10}$/);
    });
  });
});
