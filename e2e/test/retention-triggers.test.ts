// Issue 13 (retention never eats history), through the BUILT controller on a real engine: manual backups
// (POST /api/backups, `baqup backup`) and restore safety copies are retention groups of their own. Seven manual runs
// while a per-second schedule with retention 3 keeps running remove none of the schedule's backups, on staging nor
// on the remote; the schedule's prunes never remove a safety copy; `baqup prune --dry-run` says why each is kept.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureImage, startContainer, useCleanup } from '../src/index.js';
import { cli } from './offsite-fixtures.js';
import { backupNow, dataFiles, startCtl, useCtlCleanup, waitDiscovered } from './pipeline-fixtures.js';

useCleanup();
useCtlCleanup();

const IDLE = ['sh', '-c', "mkdir -p /data && echo hello > /data/a.txt && trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"];
const T = 'fs-data';
const FAST = { fast: { cron: '*/2 * * * * *', retention: 3 } };

const triggerOf = (dir: string, file: string): string => (JSON.parse(readFileSync(join(dir, `${file}.manifest.json`), 'utf8')) as { trigger?: string }).trigger ?? 'schedule';

describe('retention per trigger', () => {
  it('seven manual backups and a safety copy never remove scheduled backups (staging and remote); the schedule never prunes the safety copy', async () => {
    const c = await startContainer({ image: await ensureImage('base'), cmd: IDLE, labels: { 'backup.enabled': 'true', 'backup.fs.data.path': '/data', 'backup.fs.data.schedule': 'fast' } });
    const ctl = await startCtl({ config: { defaults: { schedules: FAST } } });
    await waitDiscovered(ctl, c.name, 1);
    // job.started says what triggered a job; job.succeeded carries the same job_id.
    const scheduled = (l: { event?: string; container?: unknown; job_id?: unknown }) =>
      l.event === 'job.succeeded' && l.container === c.name && ctl.logs().some((s) => s.event === 'job.started' && s.job_id === l.job_id && s.trigger === 'schedule');
    await ctl.waitForLogs(scheduled, 3, 90_000);

    const manual: string[] = [];
    for (let i = 0; i < 7; i++) {
      const { status, job } = await backupNow(ctl, c.name, T);
      expect(status, JSON.stringify(job)).toBe(200);
      manual.push(job.path!.split('/').pop()!);
    }
    const safety = await ctl.post('/api/backups', { container: c.name, target: T, wait: true, trigger: 'safety' });
    expect(safety.status, safety.text).toBe(200);
    const safetyFile = String((safety.body as { jobs: { path: string }[] }).jobs[0]!.path).split('/').pop()!;
    // Three more scheduled runs after the last manual one: each prunes the target, manual and safety groups included.
    const before = ctl.logs().filter(scheduled).length;
    await ctl.waitForLogs(scheduled, before + 3, 90_000);
    expect((await ctl.stop()).code).toBe(0);
    expect(ctl.logs().filter((l) => l.event === 'job.failed' && l.container === c.name)).toEqual([]);

    const scheduledFiles = ctl.logs().filter(scheduled).map((l) => String(l.path).split('/').pop()!);
    const stagingDir = join(ctl.staging, c.name, T);
    const remoteDir = join(ctl.remote, c.name, T);
    for (const [side, dir] of [['staging', stagingDir], ['remote', remoteDir]] as const) {
      const files = dataFiles(dir.slice(0, -(c.name.length + T.length + 2)), c.name, T);
      const by = (t: string) => files.filter((f) => triggerOf(dir, f) === t).sort();
      expect(by('schedule'), side).toEqual(scheduledFiles.slice(-3).sort());
      // retention.manual defaults to the newest 5; the 2 oldest manual ones went, by the manual group's own rule.
      expect(by('manual'), side).toEqual(manual.slice(-5).sort());
      expect(by('safety'), side).toEqual([safetyFile]);
    }
    const deleted = ctl.logs().filter((l) => l.event === 'prune.deleted' && l.container === c.name);
    expect(deleted.filter((l) => l.trigger === 'manual').map((l) => `${String(l.side)} ${String(l.path).split('/').pop()}`).sort()).toEqual(
      manual.slice(0, 2).flatMap((f) => [`remote ${f}`, `staging ${f}`]).sort(),
    );
    expect(deleted.filter((l) => l.trigger === 'safety')).toEqual([]);

    // baqup prune --dry-run: why each is kept; a stricter schedule policy still touches neither manual nor safety ones.
    const cfg = join(ctl.root, 'prune-cli.yml');
    writeFileSync(cfg, JSON.stringify({ staging: { path: ctl.staging }, upload: { remote: ctl.remote }, defaults: { schedules: { fast: { ...FAST.fast, retention: 1 } } } }));
    const dry = await cli(['prune', c.name, T, '--dry-run', '--config', cfg], { BAQUP_DATA_DIR: join(ctl.root, 'cli-data') });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('manual backups: keep last 5; safety copies: keep last 3');
    expect(dry.stdout).toContain('staging: 9 found, 7 kept, would delete 2');
    const newestScheduled = scheduledFiles.at(-1)!;
    expect(dry.stdout).toContain(`keep ${c.name}/${T}/${newestScheduled}: last 1/1`);
    expect(dry.stdout).toContain(`keep ${c.name}/${T}/${manual.at(-1)}: manual (last 1/5)`);
    expect(dry.stdout).toContain(`keep ${c.name}/${T}/${manual.at(-5)}: manual (last 5/5)`);
    expect(dry.stdout).toContain(`keep ${c.name}/${T}/${safetyFile}: safety copy (last 1/3)`);
    for (const f of scheduledFiles.slice(-3, -1)) expect(dry.stdout).toContain(`would delete ${c.name}/${T}/${f}`);
    const json = await cli(['prune', c.name, T, '--dry-run', '--json', '--config', cfg], { BAQUP_DATA_DIR: join(ctl.root, 'cli-data') });
    const report = JSON.parse(json.stdout) as { targets: { trigger_policies: unknown; sides: { side: string; kept: number; keep: { group: string; why: string }[] }[] }[] };
    expect(report.targets[0]!.trigger_policies).toEqual({ manual: { keep_last: 5 }, safety: { keep_last: 3 } });
    const staging = report.targets[0]!.sides.find((s) => s.side === 'staging')!;
    expect(staging.kept).toBe(7);
    expect(staging.keep.map((k) => k.group).sort()).toEqual(['manual', 'manual', 'manual', 'manual', 'manual', 'safety', 'schedule']);
  }, 300_000);
});
