import { isGatewayId, newApiId, newGatewayId } from '../../../local/gateway/ids';

describe('Module: ids', () => {
  describe('Function: newGatewayId', () => {
    it('returns 16 base64 characters ending in =', () => {
      const ids = Array.from({ length: 200 }, newGatewayId);

      for (const id of ids) {
        expect(id).toMatch(/^[A-Za-z0-9+/]{15}=$/);
        expect(Buffer.from(id, 'base64')).toHaveLength(11);
      }
      expect(new Set(ids).size).toBe(ids.length);
    });
  });

  describe('Function: isGatewayId', () => {
    it.each([
      ['R1kmxc2VNjMCFIA=', true],
      ['a+b/cdefghijklm=', true],
      ['R1kmxc2VNjMCFIA', false],
      ['R1kmxc2VNjMCFIA==', false],
      ['R1kmxc2VNjMC-IA=', false],
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
