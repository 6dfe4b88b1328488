// `baqup backup` of a large target through the BUILT CLI and controller: progress lines while it waits (not a
// terminal: one every --progress-interval seconds, with the bytes written so far from GET /api/jobs/{id}; the
// second run also measures against the first one's size), then the result; `baqup jobs` finds both jobs.
// The upload is slowed with rclone's --bwlimit so the job lasts long enough on any machine for several lines.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureImage, runId, startContainer, useCleanup } from '../src/index.js';
import { startControllerProcess, useControllerCleanup } from '../src/controller-process.js';
import { baqupCli, expectCleanLogs } from './observe-fixtures.js';

useCleanup();
useControllerCleanup();

const TOKEN = `tok-${randomBytes(8).toString('hex')}`;
const MIB = 24;
let base: string;
beforeAll(async () => {
  base = await ensureImage('base');
});

describe('CLI progress on a long backup (real controller, real container)', () => {
  it('prints periodic progress lines with bytes, then the result; the second run shows the expected size; baqup jobs lists both', async () => {
    const name = `e2e-${runId}-progress`;
    await startContainer({
      image: base,
      name,
      cmd: ['sh', '-c', `mkdir -p /data && head -c ${MIB * 1024 * 1024} /dev/urandom > /data/big && trap "exit 0" TERM; sleep 86400 & wait`],
      labels: { 'backup.enabled': 'true', 'backup.fs.data.path': '/data', 'backup.fs.data.compress': 'none' },
    });
    // 4 MiB/s: the upload of 24 MiB takes about 6 s.
    const ctl = await startControllerProcess({ config: { api: { listen: '127.0.0.1:0', token: TOKEN }, upload: { bwlimit: '4M' } } });
    await ctl.waitFor((l) => l.some((c) => c.name === name && c.targets.length === 1), 60_000);
    const env = { BAQUP_API_URL: `http://${ctl.api}`, BAQUP_API_TOKEN: TOKEN };

    const first = await baqupCli(['backup', name, '--progress-interval', '1'], env);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stderr).toBe('');
    const lines = first.stdout.trimEnd().split('\n');
    const progress = lines.filter((l) => l.startsWith('… '));
    expect(progress.length, first.stdout).toBeGreaterThanOrEqual(2);
    for (const l of progress) expect(l).toMatch(new RegExp(`^… \\d+ (s|min \\d+ s): 0/1 done; ${name}/fs-data (queued|running)`));
    const withBytes = progress.filter((l) => / running [\d.]+ (B|KiB|MiB)/.test(l));
    expect(withBytes.length, first.stdout).toBeGreaterThanOrEqual(1);
    expect(withBytes.at(-1)).toContain(`running ${MIB}.0 MiB`); // the upload phase: everything staged
    expect(lines.at(-1)).toMatch(new RegExp(`^${name}/fs-data: succeeded, ${MIB}\\.\\d MiB in .+ → /`));

    const second = await baqupCli(['backup', name, '--progress-interval', '1'], env);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`running [\\d.]+ (B|KiB|MiB) of ~${MIB}\\.\\d MiB`));

    const list = await baqupCli(['jobs', '--json'], env);
    expect(list.code, list.stderr).toBe(0);
    const jobs = (JSON.parse(list.stdout) as { jobs: Array<{ job_id: string; target: string; trigger: string; status: string; bytes?: number }> }).jobs.filter((j) => j.target === `${name}/fs-data`);
    expect(jobs.map((j) => [j.trigger, j.status])).toEqual([['manual', 'succeeded'], ['manual', 'succeeded']]);
    expect(jobs[0]!.bytes).toBeGreaterThan(MIB * 1024 * 1024);
    const one = await baqupCli(['jobs', jobs[1]!.job_id], env);
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toMatch(new RegExp(`^${name}/fs-data: succeeded, `));
    const unknown = await baqupCli(['jobs', 'no-such-job'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no job "no-such-job"');

    await ctl.stop();
    expectCleanLogs(ctl, [TOKEN]);
  }, 240_000);
});
