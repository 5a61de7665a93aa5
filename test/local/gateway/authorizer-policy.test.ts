import { isInvokeAllowed, type PolicyDocument } from '../../../local/gateway/authorizer-policy';

const ARN = 'arn:aws:execute-api:us-east-1:123456789012:abcdefghij/local/$connect';
const policy = (...Statement: PolicyDocument['Statement'][]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: Statement.flat(),
});

describe('Function: isInvokeAllowed', () => {
  it.each([
    ['Allow on *', policy({ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' }), true],
    [
      'Allow on the exact ARN',
      policy({ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: ARN }),
      true,
    ],
    [
      'Allow on a wildcard ARN',
      policy({
        Effect: 'Allow',
        Action: ['execute-api:*'],
        Resource: ['arn:aws:execute-api:*:*:abcdefghij/*'],
      }),
      true,
    ],
    ['Deny', policy({ Effect: 'Deny', Action: 'execute-api:Invoke', Resource: '*' }), false],
    [
      'Allow and Deny',
      policy(
        { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' },
        { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: ARN },
      ),
      false,
    ],
    [
      'Allow on another API',
      policy({
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Resource: 'arn:aws:execute-api:us-east-1:123456789012:other/*',
      }),
      false,
    ],
    [
      'Allow of another action',
      policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
      false,
    ],
    [
      'a single statement object',
      { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } },
      true,
    ],
  ] as [string, PolicyDocument, boolean][])('%s → %s', (_name, document, expected) => {
    expect(isInvokeAllowed(document, ARN)).toBe(expected);
  });
});
