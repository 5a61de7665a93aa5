import fc from 'fast-check';

/** Strings shaped like API Gateway connection ids: 15 base64 characters and `=`. */
export const socketIds = fc
  .string({
    unit: fc.constantFrom(
      ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split(''),
    ),
    minLength: 15,
    maxLength: 15,
  })
  .map((base) => `${base}=`);
