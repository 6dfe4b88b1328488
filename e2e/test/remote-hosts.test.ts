// Issue 13 (two hosts on one remote), through the BUILT controller and CLI on a real engine: two controllers with
// different hosts back up the same container into one rclone remote, each under {remote}/{host}/, and each one's
// retention prunes only its own backups. A backup an earlier baqup left at the remote's root (the legacy layout) is
// listed and verifiable by the CLI, never pruned, and `baqup migrate-remote` moves it under the host.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureImage, startContainer, useCleanup } from '../src/index.js';
import { cli } from './offsite-fixtures.js';
import { dataFiles, startCtl, useCtlCleanup, waitDiscovered, type Ctl } from './pipeline-fixtures.js';

useCleanup();
useCtlCleanup();

const IDLE = ['sh', '-c', "mkdir -p /data && echo hello > /data/a.txt && trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"];
const T = 'fs-data';

describe('several hosts on one remote', () => {
  it('each host writes and prunes under its own directory; a legacy root backup is listed, verified, never pruned, and migrate-remote moves it', async () => {
    const c = await startContainer({ image: await ensureImage('base'), cmd: IDLE, labels: { 'backup.enabled': 'true', 'backup.fs.data.path': '/data', 'backup.fs.data.schedule': 'fast' } });
    const shared = mkdtempSync(join(tmpdir(), 'baqup-e2e-shared-'));
    // A backup from before host directories: a complete one (data, sidecar, manifest) at {remote}/{container}/{target}/.
    const legacyName = '20240101T030000Z.tar.zst';
    const legacyDir = join(shared, c.name, T);

    const config = { upload: { remote: shared }, defaults: { schedules: { fast: { cron: '*/2 * * * * *', retention: 2 } } } };
    const a = await startCtl({ config, env: { BAQUP_HOSTNAME: 'host-a' } });
    const b = await startCtl({ config, env: { BAQUP_HOSTNAME: 'host-b' } });
    for (const ctl of [a, b]) await waitDiscovered(ctl, c.name, 1);
    const succeeded = (ctl: Ctl) => ctl.logs().filter((l) => l.event === 'job.succeeded' && l.container === c.name);
    await a.waitForLogs((l) => l.event === 'job.succeeded' && l.container === c.name, 1, 90_000);
    // Plant the legacy backup from one of host-a's real staged backups, renamed to an old time.
    const first = String(succeeded(a)[0]!.path);
    mkdirSync(legacyDir, { recursive: true });
    const realName = first.split('/').pop()!;
    cpSync(first, join(legacyDir, legacyName));
    cpSync(`${first}.sha256`, join(legacyDir, `${legacyName}.sha256`));
    const manifest = JSON.parse(readFileSync(`${first}.manifest.json`, 'utf8')) as Record<string, unknown>;
    writeFileSync(join(legacyDir, `${legacyName}.manifest.json`), JSON.stringify({ ...manifest, file: legacyName, timestamp: legacyName.split('.')[0] }));
    expect(realName).not.toBe(legacyName);

    for (const ctl of [a, b]) await ctl.waitForLogs((l) => l.event === 'job.succeeded' && l.container === c.name, 5, 120_000);
    expect((await a.stop()).code).toBe(0);
    expect((await b.stop()).code).toBe(0);
    for (const ctl of [a, b]) expect(ctl.logs().filter((l) => l.event === 'job.failed' && l.container === c.name)).toEqual([]);
    expect(a.logs().find((l) => l.event === 'config.loaded')).toMatchObject({ host: 'host-a', host_source: 'config' });

    // Each host: its retention (2) over its own backups only, the newest two it made; both prunes deleted something.
    for (const [ctl, host] of [[a, 'host-a'], [b, 'host-b']] as const) {
      const onRemote = dataFiles(join(shared, host), c.name, T);
      const made = succeeded(ctl).map((l) => String(l.path).split('/').pop()!);
      expect(onRemote, host).toEqual(made.slice(-2).sort());
      const deleted = ctl.logs().filter((l) => l.event === 'prune.deleted' && l.side === 'remote');
      expect(deleted.length, host).toBeGreaterThanOrEqual(3);
      for (const d of deleted) expect(made, `${host} deleted ${String(d.path)}`).toContain(String(d.path).split('/').pop());
    }
    // The legacy backup was in neither host's directory and no prune touched it.
    expect(readdirSync(legacyDir).sort()).toEqual([legacyName, `${legacyName}.manifest.json`, `${legacyName}.sha256`]);
    expect(readdirSync(shared).sort()).toEqual([c.name, 'host-a', 'host-b'].sort());

    // The CLI, as host-a: lists the legacy copy (marked), verifies it, and migrate-remote moves it under host-a.
    const cliCfg = join(a.root, 'cli.yml');
    writeFileSync(cliCfg, JSON.stringify({ staging: { path: join(a.root, 'empty-staging') }, upload: { remote: shared } }));
    const env = { BAQUP_HOSTNAME: 'host-a', BAQUP_DATA_DIR: join(a.root, 'cli-data') };
    const ls = await cli(['ls', c.name, '--json', '--config', cliCfg], env);
    expect(ls.code, ls.stderr).toBe(0);
    const listed = (JSON.parse(ls.stdout) as { backups: { file: string; legacy?: boolean; remote_path?: string }[] }).backups;
    expect(listed.map((x) => x.file).sort()).toEqual([legacyName, ...dataFiles(join(shared, 'host-a'), c.name, T)].sort());
    expect(listed.find((x) => x.file === legacyName)).toMatchObject({ legacy: true, remote_path: `${c.name}/${T}/${legacyName}` });
    expect(listed.filter((x) => x.file !== legacyName).every((x) => x.remote_path?.startsWith('host-a/') && x.legacy === undefined)).toBe(true);
    const table = await cli(['ls', c.name, '--config', cliCfg], env);
    expect(table.stdout).toMatch(new RegExp(`20240101T030000Z.*remote \\(legacy\\)`));
    const verify = await cli(['verify', c.name, '--all', '--config', cliCfg], env);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/OK\s+\S+\/fs-data 20240101T030000Z \[remote\]/);

    const dry = await cli(['migrate-remote', '--dry-run', '--config', cliCfg], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`would move`);
    expect(dry.stdout).toContain(`${c.name}/${T}/${legacyName} -> host-a/${c.name}/${T}/${legacyName}`);
    expect(existsSync(join(legacyDir, legacyName))).toBe(true);
    const moved = await cli(['migrate-remote', '--config', cliCfg], env);
    expect(moved.code, moved.stderr).toBe(0);
    expect(moved.stdout).toContain('1 legacy backup(s): 1 moved');
    expect(existsSync(join(legacyDir, legacyName))).toBe(false);
    for (const f of ['', '.sha256', '.manifest.json']) expect(existsSync(join(shared, 'host-a', c.name, T, `${legacyName}${f}`)), f).toBe(true);
    expect(dataFiles(join(shared, 'host-b'), c.name, T)).toEqual(succeeded(b).map((l) => String(l.path).split('/').pop()!).slice(-2).sort());
    const after = await cli(['ls', c.name, '--json', '--config', cliCfg], env);
    expect((JSON.parse(after.stdout) as { backups: { file: string; legacy?: boolean }[] }).backups.find((x) => x.file === legacyName)).not.toHaveProperty('legacy');
  }, 300_000);
});
