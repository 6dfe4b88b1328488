// The staging probe runs against real directories; Docker's ping is a plain function here (the e2e suite pings a
// real engine and one that goes away).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkReadiness, probeWritable } from './readiness.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'baqup-ready-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const up = () => Promise.resolve();
const down = () => Promise.reject(new Error('connect ENOENT /var/run/nope.sock'));

describe('probeWritable', () => {
  it('leaves nothing behind in a writable directory', async () => {
    const d = tempDir();
    await probeWritable(d);
    expect(readdirSync(d)).toEqual([]);
  });
  it('fails for a missing directory', async () => {
    await expect(probeWritable(join(tempDir(), 'missing'))).rejects.toThrow(/ENOENT/);
  });
});

describe('checkReadiness', () => {
  it('is ready when Docker answers and staging is writable; stale targets only count when asked', async () => {
    const staging = tempDir();
    const base = { ping: up, stagingPath: staging, staleTargets: () => ['db/postgres-main'], staleUnready: false };
    expect(await checkReadiness(base)).toEqual({ ready: true, checks: [{ name: 'docker', ok: true }, { name: 'staging', ok: true }] });
    const strict = await checkReadiness({ ...base, staleUnready: true });
    expect(strict.ready).toBe(false);
    expect(strict.checks).toContainEqual({ name: 'stale_targets', ok: false, error: 'stale: db/postgres-main' });
  });

  it('lists every failing check', async () => {
    const r = await checkReadiness({ ping: down, stagingPath: join(tempDir(), 'gone'), staleTargets: () => [], staleUnready: true });
    expect(r.ready).toBe(false);
    expect(r.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['docker', 'staging']);
    expect(r.checks[0]!.error).toContain('ENOENT');
  });

  it('a ping that never answers fails after the timeout and is aborted', async () => {
    let aborted = false;
    const hang = (signal: AbortSignal) => new Promise<void>(() => signal.addEventListener('abort', () => (aborted = true)));
    const r = await checkReadiness({ ping: hang, stagingPath: tempDir(), staleTargets: () => [], staleUnready: false, timeoutMs: 50 });
    expect(r.checks[0]).toEqual({ name: 'docker', ok: false, error: 'Docker engine did not answer within 50 ms' });
    expect(aborted).toBe(true);
  });
});
