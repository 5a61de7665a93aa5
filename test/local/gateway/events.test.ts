import {
  authorizerEvent,
  type ConnectionFacts,
  connectEvent,
  disconnectEvent,
  messageEvent,
  newRequest,
} from '../../../local/gateway/events';

const connection: ConnectionFacts = {
  connectionId: 'R1kmxc2VNjMCFIA=',
  connectedAt: Date.UTC(2024, 0, 20, 11, 55, 0),
  identity: { sourceIp: '127.0.0.1', userAgent: 'test' },
  domainName: 'localhost:3001',
  stage: 'local',
  apiId: 'abcdefghij',
};
const request = {
  requestId: 'GXLKJHf0liACFzQ=',
  requestTimeEpoch: Date.UTC(2024, 0, 20, 11, 56, 30),
};
const common = {
  connectionId: 'R1kmxc2VNjMCFIA=',
  connectedAt: connection.connectedAt,
  identity: { sourceIp: '127.0.0.1', userAgent: 'test' },
  domainName: 'localhost:3001',
  stage: 'local',
  apiId: 'abcdefghij',
  requestId: 'GXLKJHf0liACFzQ=',
  extendedRequestId: 'GXLKJHf0liACFzQ=',
  requestTimeEpoch: request.requestTimeEpoch,
  requestTime: '20/Jan/2024:11:56:30 +0000',
  messageDirection: 'IN',
};

describe('Module: events', () => {
  it('connectEvent: headers, query, no body, no messageId', () => {
    const headers = { headers: { Host: 'h' }, multiValueHeaders: { Host: ['h'] } };
    const query = {
      queryStringParameters: { a: '1' },
      multiValueQueryStringParameters: { a: ['1'] },
    };

    expect(connectEvent(connection, request, headers, query)).toEqual({
      ...headers,
      ...query,
      requestContext: { ...common, routeKey: '$connect', eventType: 'CONNECT' },
      isBase64Encoded: false,
    });
  });

  it('messageEvent: body and a new messageId, no headers', () => {
    expect(messageEvent(connection, request, 'join', '{"action":"join"}')).toEqual({
      requestContext: {
        ...common,
        routeKey: 'join',
        eventType: 'MESSAGE',
        messageId: expect.stringMatching(/^[A-Za-z0-9_-]{15}=$/),
      },
      body: '{"action":"join"}',
      isBase64Encoded: false,
    });
  });

  it('disconnectEvent: status code and reason, the headers AWS sends, no body', () => {
    expect(disconnectEvent(connection, request, 1001, 'Going away')).toEqual({
      headers: { Host: 'localhost:3001', 'x-api-key': '', 'X-Forwarded-For': '', 'x-restapi': '' },
      multiValueHeaders: {
        Host: ['localhost:3001'],
        'x-api-key': [''],
        'X-Forwarded-For': [''],
        'x-restapi': [''],
      },
      requestContext: {
        ...common,
        routeKey: '$disconnect',
        eventType: 'DISCONNECT',
        disconnectStatusCode: 1001,
        disconnectReason: 'Going away',
      },
      isBase64Encoded: false,
    });
  });

  it('repeats the authorizer context on every event', () => {
    const authorized = { ...connection, authorizer: { principalId: 'u1', role: 'admin' } };

    const events = [
      connectEvent(authorized, request, { headers: {}, multiValueHeaders: {} }, {}),
      messageEvent(authorized, request, '$default', 'x'),
      disconnectEvent(authorized, request, 1000, ''),
    ];

    for (const event of events)
      expect(event.requestContext.authorizer).toEqual({ principalId: 'u1', role: 'admin' });
    expect(messageEvent(connection, request, '$default', 'x').requestContext).not.toHaveProperty(
      'authorizer',
    );
  });

  it('authorizerEvent: the $connect request as a REQUEST authorizer event', () => {
    const connect = connectEvent(
      connection,
      request,
      { headers: { A: '1' }, multiValueHeaders: { A: ['1'] } },
      {},
    );

    expect(authorizerEvent(connect, 'arn:x')).toEqual({
      type: 'REQUEST',
      methodArn: 'arn:x',
      stageVariables: {},
      headers: { A: '1' },
      multiValueHeaders: { A: ['1'] },
      requestContext: connect.requestContext,
    });
  });

  it('newRequest: a gateway id and the current time', () => {
    expect(newRequest(42)).toEqual({
      requestId: expect.stringMatching(/^[A-Za-z0-9_-]{15}=$/),
      requestTimeEpoch: 42,
    });
  });
});
