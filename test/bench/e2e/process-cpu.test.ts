import {
  cpuByRole,
  cpuSnapshot,
  DYNAMODB_ROLE,
  GATEWAY_ROLE,
  parseProcStat,
  roleOf,
} from '../../../bench/e2e/process-cpu';

describe('Function: parseProcStat', () => {
  it('reads the parent pid and user plus system ticks, whatever the command name holds', () => {
    expect(parseProcStat('42 (node) S 7 42 42 0 -1 0 0 0 0 0 150 30 0 0')).toEqual({
      ppid: 7,
      ticks: 180,
    });
    expect(parseProcStat('43 (a (b) c) R 9 43 43 0 -1 0 0 0 0 0 5 6 0 0')).toEqual({
      ppid: 9,
      ticks: 11,
    });
  });
});

describe('Function: roleOf', () => {
  it("names a container by its function's bundle, and DynamoDB Local", () => {
    expect(
      roleOf(
        'node --enable-source-maps /tmp/f/runtime/container-main.js /tmp/f/functions/message-3.js handler',
      ),
    ).toBe('message');
    expect(roleOf('java -Djava.library.path=x -jar DynamoDBLocal.jar -inMemory -port 8000')).toBe(
      DYNAMODB_ROLE,
    );
    expect(roleOf('sleep 5')).toBe('other');
  });
});

describe('Function: cpuByRole', () => {
  it('sums what each role used between two snapshots, counting a new process from zero', () => {
    // Prepare
    const before = new Map([
      [1, { role: GATEWAY_ROLE, cpuMs: 100 }],
      [2, { role: 'message', cpuMs: 50 }],
    ]);
    const after = new Map([
      [1, { role: GATEWAY_ROLE, cpuMs: 160 }],
      [2, { role: 'message', cpuMs: 80 }],
      [3, { role: 'message', cpuMs: 20 }],
    ]);

    // Act
    const used = cpuByRole(before, after);

    // Assess
    expect(used).toEqual({ [GATEWAY_ROLE]: 60, message: 50 });
  });
});

describe('Function: cpuSnapshot', () => {
  it('sees this process, as the gateway, with the CPU it has used', async () => {
    // Prepare
    const start = Date.now();
    while (Date.now() - start < 60) Math.sqrt(Math.random());

    // Act
    const snapshot = await cpuSnapshot();

    // Assess
    if (snapshot === undefined) return expect(process.platform).not.toBe('linux');
    expect(snapshot.get(process.pid)).toEqual({ role: GATEWAY_ROLE, cpuMs: expect.any(Number) });
    expect(snapshot.get(process.pid)?.cpuMs).toBeGreaterThan(0);
  });
});
