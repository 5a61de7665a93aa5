import { headerParameters, queryParameters } from '../../../local/gateway/request-parameters';

const facts = { sourceIp: '10.0.0.1', port: 3001, protocol: 'http' } as const;

describe('Function: headerParameters', () => {
  it('keeps the client spelling, puts the last value in headers and all in multiValueHeaders', () => {
    const { headers, multiValueHeaders } = headerParameters(
      [
        'Host',
        'localhost:3001',
        'cookie',
        'a=1',
        'cookie',
        'b=2',
        'Connection',
        'Upgrade',
        'Upgrade',
        'websocket',
      ],
      facts,
    );

    expect(headers).toMatchObject({ Host: 'localhost:3001', cookie: 'b=2' });
    expect(multiValueHeaders).toMatchObject({ Host: ['localhost:3001'], cookie: ['a=1', 'b=2'] });
    expect(headers).not.toHaveProperty('Connection');
    expect(headers).not.toHaveProperty('Upgrade');
  });

  it('adds the headers API Gateway adds, appending to a forwarded-for chain', () => {
    const { headers } = headerParameters(['x-forwarded-for', '1.2.3.4'], facts);

    expect(headers).toEqual({
      'X-Amzn-Trace-Id': expect.stringMatching(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/),
      'X-Forwarded-For': '1.2.3.4, 10.0.0.1',
      'X-Forwarded-Port': '3001',
      'X-Forwarded-Proto': 'http',
    });
  });
});

describe('Function: queryParameters', () => {
  it('decodes values, the last one wins in queryStringParameters', () => {
    expect(queryParameters('?ns=%2Fchat&tag=a&tag=b&flag')).toEqual({
      queryStringParameters: { ns: '/chat', tag: 'b', flag: '' },
      multiValueQueryStringParameters: { ns: ['/chat'], tag: ['a', 'b'], flag: [''] },
    });
  });

  it.each(['', '?'])('omits both maps for %j', (search) => {
    expect(queryParameters(search)).toEqual({});
  });
});
