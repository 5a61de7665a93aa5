import { regionOfEndpoint } from '../../../lambdas/adapters/endpoint-region';

describe('Function: regionOfEndpoint', () => {
  it.each([
    ['https://abc123.execute-api.eu-west-1.amazonaws.com/prod', 'eu-west-1'],
    ['https://abc123.execute-api.us-gov-west-1.amazonaws.com/dev', 'us-gov-west-1'],
    ['https://abc123.execute-api.cn-north-1.amazonaws.com.cn/prod', 'cn-north-1'],
  ])('reads the region of %s', (endpoint, region) => {
    // Act / Assess
    expect(regionOfEndpoint(endpoint)).toBe(region);
  });

  it.each([
    'http://127.0.0.1:3001/local',
    'https://chat.example.com/prod',
    'https://abc123.execute-api.eu-west-1.amazonaws.com.evil.example/prod',
    'not a url',
  ])('knows no region for %s', (endpoint) => {
    // Act / Assess
    expect(regionOfEndpoint(endpoint)).toBeUndefined();
  });
});
