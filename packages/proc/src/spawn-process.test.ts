import { describe, expect, it } from 'vitest';
import { Secret } from '@baqup/core';
import { spawnProcess } from './spawn-process.js';
import { killAll, liveGroups } from './registry.js';
import { groupAlive, membersOf } from './process-group.js';
import { ProcessAbortedError, ProcessFailedError, ProcessSpawnError, ProcessTimeoutError } from './errors.js';
import { runProcess } from './run-process.js';

/** Members of the group that can still run (zombies wait for an init that may never reap them). */
const running = (pgid: number) => membersOf(pgid).filter((m) => m.state !== 'Z');

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!cond()) throw new Error('condition never became true');
}

const twoSleeps = "sleep 100 & sleep 100";

describe('spawnProcess', () => {
  it('resolves on exit 0', async () => {
    const child = spawnProcess({ command: 'sh', args: ['-c', 'exit 0'], stdin: 'ignore', stdout: 'ignore' });
    await expect(child.exited).resolves.toBeUndefined();
  });

  it('rejects a non-zero exit with ProcessFailedError carrying the redacted stderr tail', async () => {
    const pw = new Secret('hunter2-very-secret');
    const child = spawnProcess({
      command: 'sh',
      args: ['-c', 'echo "login failed for $PW and also $TOKEN" >&2; exit 3'],
      env: { PW: pw, TOKEN: 'plain-token' },
      secrets: ['plain-token'],
      stdin: 'ignore',
    });
    const err = await child.exited.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProcessFailedError);
    const failed = err as ProcessFailedError;
    expect(failed.code).toBe('BAQUP_PROC_FAILED');
    expect(failed.exitCode).toBe(3);
    expect(failed.message).toContain('login failed for [redacted] and also [redacted]');
    expect(failed.message).not.toContain('hunter2');
    expect(failed.message).not.toContain('plain-token');
  });

  it('passes env secrets to the child through its environment', async () => {
    const { stdout } = await runProcess({ command: 'sh', args: ['-c', 'printf %s "$PW"'], env: { PW: new Secret('s3cret') } });
    expect(stdout).toBe('s3cret');
  });

  it('gives only PATH plus env when inheritEnv is false', async () => {
    process.env.BAQUP_TEST_LEAK = 'leaked';
    const { stdout } = await runProcess({ command: 'sh', args: ['-c', 'printf %s "${BAQUP_TEST_LEAK:-none}"'], inheritEnv: false });
    delete process.env.BAQUP_TEST_LEAK;
    expect(stdout).toBe('none');
  });

  it('kills the whole process group on abort', async () => {
    const ac = new AbortController();
    const child = spawnProcess({ command: 'sh', args: ['-c', twoSleeps], signal: ac.signal, stdin: 'ignore', stdout: 'ignore' });
    await waitFor(() => running(child.pid).length === 3); // sh + two sleeps
    const pids = running(child.pid).map((m) => m.pid);
    ac.abort(new Error('job cancelled'));
    await expect(child.exited).rejects.toBeInstanceOf(ProcessAbortedError);
    await waitFor(() => running(child.pid).length === 0);
    for (const pid of pids) expect(membersOf(child.pid).find((m) => m.pid === pid && m.state !== 'Z')).toBeUndefined();
  });

  it('kills the group on timeout with ProcessTimeoutError (retryable)', async () => {
    const child = spawnProcess({ command: 'sh', args: ['-c', twoSleeps], timeoutMs: 200, stdin: 'ignore', stdout: 'ignore' });
    const err = await child.exited.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProcessTimeoutError);
    expect((err as ProcessTimeoutError).retryable).toBe(true);
    await waitFor(() => running(child.pid).length === 0);
  });

  it('escalates to SIGKILL when the group ignores SIGTERM', async () => {
    const child = spawnProcess({
      command: 'sh',
      args: ['-c', `trap '' TERM; ${twoSleeps}`],
      killGraceMs: 200,
      stdin: 'ignore',
      stdout: 'ignore',
    });
    await waitFor(() => running(child.pid).length === 3);
    await child.kill();
    await expect(child.exited).rejects.toBeInstanceOf(ProcessAbortedError);
    await waitFor(() => running(child.pid).length === 0);
  });

  it('ends orphans the leader leaves behind when it exits 0', async () => {
    const child = spawnProcess({ command: 'sh', args: ['-c', 'sleep 100 & echo started'], killGraceMs: 500 });
    child.stdout!.resume();
    await expect(child.exited).resolves.toBeUndefined();
    await waitFor(() => running(child.pid).length === 0);
  });

  it('reports a missing binary as ProcessSpawnError', async () => {
    const child = spawnProcess({ command: '/nonexistent/baqup-tool', stdin: 'ignore', stdout: 'ignore' });
    const err = await child.exited.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProcessSpawnError);
    expect((err as ProcessSpawnError).code).toBe('BAQUP_PROC_SPAWN_FAILED');
    expect((err as ProcessSpawnError).message).toContain('ENOENT');
  });

  it('killAll kills every live group and forgets them', async () => {
    const a = spawnProcess({ command: 'sh', args: ['-c', twoSleeps], stdin: 'ignore', stdout: 'ignore' });
    const b = spawnProcess({ command: 'sh', args: ['-c', twoSleeps], stdin: 'ignore', stdout: 'ignore' });
    await waitFor(() => running(a.pid).length === 3 && running(b.pid).length === 3);
    expect(liveGroups().map((g) => g.pid)).toEqual(expect.arrayContaining([a.pid, b.pid]));
    expect(await killAll(1000)).toBeGreaterThanOrEqual(2);
    await waitFor(() => running(a.pid).length === 0 && running(b.pid).length === 0);
    expect(liveGroups()).toEqual([]);
    await expect(a.exited).rejects.toBeInstanceOf(ProcessAbortedError);
  });

  it('groupAlive is false for a group that never existed', () => {
    expect(groupAlive(2 ** 22 + 12345)).toBe(false);
  });
});

describe('runProcess', () => {
  it('collects stdout', async () => {
    await expect(runProcess({ command: 'sh', args: ['-c', 'echo hello'] })).resolves.toEqual({ stdout: 'hello\n' });
  });

  it('fails when the output exceeds maxBytes', async () => {
    await expect(runProcess({ command: 'sh', args: ['-c', 'yes'], maxBytes: 1024 })).rejects.toThrow(/larger than 1024 bytes/);
  });
});
