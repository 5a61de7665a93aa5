import { Invocation, operation } from '../../../lambdas/core/invocation';

const later = <T>(ms: number, value: T): Promise<T> =>
  new Promise((resolve) => setTimeout(() => resolve(value), ms));

describe('Class: Invocation', () => {
  it('runs un-awaited operations one after the other, in the order they were called', async () => {
    const invocation = new Invocation();
    const log: string[] = [];
    invocation.scope(() => {
      operation('slow', async () => {
        log.push('slow start');
        await later(30, undefined);
        log.push('slow end');
      });
      operation('fast', async () => {
        log.push('fast');
      });
    });
    expect(log).toEqual([]);
    await invocation.settle();
    expect(log).toEqual(['slow start', 'slow end', 'fast']);
  });

  it('settles only once the operations that operations start have finished too', async () => {
    const invocation = new Invocation();
    const log: string[] = [];
    invocation.scope(() => {
      operation('outer', async () => {
        await later(5, undefined);
        // Started from inside an operation: runs at once, awaited by its parent.
        await operation('inner', async () => log.push('inner'));
        setTimeout(() => undefined, 0);
      }).then(() => operation('chained', async () => log.push('chained')));
    });
    await invocation.settle();
    expect(log).toEqual(['inner', 'chained']);
  });

  it('resolves what each operation resolves, to the callers that await it', async () => {
    const invocation = new Invocation();
    const results = await invocation.scope(() =>
      Promise.all([operation('a', () => later(10, 'a')), operation('b', async () => 'b')]),
    );
    expect(results).toEqual(['a', 'b']);
    expect(await invocation.settle()).toEqual([]);
  });

  it('hands back the failures nobody awaited, and not those a caller handled', async () => {
    const invocation = new Invocation();
    const handled = jest.fn();
    await invocation.scope(async () => {
      operation('unawaited', async () => {
        throw new Error('lost');
      });
      await operation('awaited', async () => {
        throw new Error('seen');
      }).catch(handled);
      operation('after the failures', async () => 'still runs');
    });
    const failures = await invocation.settle();
    expect(handled).toHaveBeenCalledWith(new Error('seen'));
    expect(failures).toEqual([{ operation: 'unawaited', error: new Error('lost') }]);
  });

  it('never lets an un-awaited failure become an unhandled rejection', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const invocation = new Invocation();
      invocation.scope(() => {
        operation('boom', async () => {
          throw new Error('boom');
        });
      });
      await invocation.settle();
      await later(10, undefined);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('runs an operation a timer starts after it settled at once, and tells onLate', async () => {
    const onLate = jest.fn();
    const invocation = new Invocation(onLate);
    const late = new Promise<string>((resolve) => {
      invocation.scope(() => {
        setTimeout(() => resolve(operation('emit "late"', async () => 'done')), 20);
      });
    });
    await invocation.settle();
    expect(onLate).not.toHaveBeenCalled();
    await expect(late).resolves.toBe('done');
    expect(onLate).toHaveBeenCalledWith('emit "late"');
  });

  it('runs operations at once outside any invocation', async () => {
    const log: string[] = [];
    const pending = operation('alone', async () => log.push('ran'));
    expect(log).toEqual(['ran']);
    await pending;
  });

  it('keeps two concurrent invocations apart', async () => {
    const first = new Invocation();
    const second = new Invocation();
    const log: string[] = [];
    first.scope(() => {
      operation('first', async () => {
        await later(30, undefined);
        log.push('first');
      });
    });
    second.scope(() => {
      operation('second', async () => log.push('second'));
    });
    await second.settle();
    expect(log).toEqual(['second']);
    await first.settle();
    expect(log).toEqual(['second', 'first']);
  });
});
