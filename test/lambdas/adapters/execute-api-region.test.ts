import { executeApiRegion } from '../../../lambdas/adapters/execute-api-region';

describe('Function: executeApiRegion', () => {
  it.each([
    ['https://abc123.execute-api.eu-west-1.amazonaws.com/prod', 'eu-west-1'],
    ['https://abc123.execute-api.us-gov-west-1.amazonaws.com/dev/', 'us-gov-west-1'],
    ['https://abc123.execute-api.cn-north-1.amazonaws.com.cn/prod', 'cn-north-1'],
  ])('reads the region of %s', (endpoint, region) => {
    expect(executeApiRegion(endpoint)).toBe(region);
  });

  it.each([
    'http://127.0.0.1:3001/local',
    'https://chat.example.com/prod',
    'https://abc123.execute-api.eu-west-1.amazonaws.com.evil.example/prod',
    'not a url',
  ])('has no region for %s', (endpoint) => {
    expect(executeApiRegion(endpoint)).toBeUndefined();
  });
});
