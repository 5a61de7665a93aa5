import { ClientFrame } from '../../../lambdas/core/protocol';
import * as z from '../../../lambdas/core/zod';

describe('onFirstUse', () => {
  it('builds nothing when defined, builds once on the first parse and reuses it', () => {
    const build = jest.fn(() => z.object({ room: z.string() }));
    const RoomData = z.onFirstUse(build);
    expect(build).not.toHaveBeenCalled();

    expect(RoomData.parse({ room: 'lobby' })).toEqual({ room: 'lobby' });
    expect(RoomData.safeParse({ room: 'music' }).success).toBe(true);
    expect(RoomData.safeParse({ room: 3 }).success).toBe(false);
    expect(build).toHaveBeenCalledTimes(1);
  });

  it('reports the issues the built schema reports, with their paths and messages', () => {
    const build = () => z.object({ room: z.string().check(z.maxLength(3, 'too long')) });
    const deferred = z.onFirstUse(build).safeParse({ room: 'lobby' });
    const eager = build().safeParse({ room: 'lobby' });
    expect(deferred.success).toBe(false);
    expect(deferred.error?.issues).toEqual(eager.error?.issues);
    expect(deferred.error?.issues[0]).toMatchObject({ path: ['room'], message: 'too long' });
  });

  it('composes: an optional deferred field stays optional, a required one stays required', () => {
    const Seq = z.onFirstUse(() => z.number().check(z.int()));
    const Ack = z.onFirstUse(() => z.optional(z.number()));
    const Frame = z.strictObject({
      since: z.optional(Seq),
      ack: Ack,
      room: z.onFirstUse(z.string),
    });
    expect(Frame.parse({ room: 'lobby' })).toEqual({ room: 'lobby' });
    expect(Frame.parse({ room: 'lobby', since: 4, ack: 1 })).toEqual({
      room: 'lobby',
      since: 4,
      ack: 1,
    });
    expect(Frame.safeParse({ since: 4 }).error?.issues[0]?.path).toEqual(['room']);
    expect(Frame.safeParse({ room: 'lobby', since: 1.5 }).error?.issues[0]?.path).toEqual([
      'since',
    ]);
    expect(Frame.safeParse({ room: 'lobby', extra: true }).success).toBe(false);
  });

  it('keeps a deferred object strict and its refinements (the wire protocol frame)', () => {
    expect(ClientFrame.parse({ action: 'join', data: { room: 'lobby' }, ack: 1 })).toEqual({
      action: 'join',
      data: { room: 'lobby' },
      ack: 1,
    });
    expect(ClientFrame.safeParse({ action: 'join', unknown: 1 }).success).toBe(false);
    expect(
      ClientFrame.safeParse({ action: 'join', data: 1, args: [1] }).error?.issues[0],
    ).toMatchObject({
      path: ['args'],
      message: 'send either "data" (one argument) or "args" (a list of them), not both',
    });
  });
});
