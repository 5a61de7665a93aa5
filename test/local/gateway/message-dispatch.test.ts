import { errorFrame } from '../../../local/gateway/message-dispatch';

describe('Function: errorFrame', () => {
  it('is the JSON API Gateway sends, with its spacing', () => {
    const frame = errorFrame('Forbidden', 'R1kmxc2VNjMCFIA=', 'GXLKJHf0liACFzQ=');

    expect(frame).toBe(
      '{"message": "Forbidden", "connectionId":"R1kmxc2VNjMCFIA=", "requestId":"GXLKJHf0liACFzQ="}',
    );
    expect(JSON.parse(frame)).toEqual({
      message: 'Forbidden',
      connectionId: 'R1kmxc2VNjMCFIA=',
      requestId: 'GXLKJHf0liACFzQ=',
    });
  });
});
