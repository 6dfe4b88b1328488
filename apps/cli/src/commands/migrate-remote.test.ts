// `baqup migrate-remote` with real rclone on a local-directory remote: legacy backups at the remote root move under
// the host (data, sidecar, manifest), a duplicate of a hosted one is removed, a conflicting or incomplete one is left
// alone and reported, --dry-run touches nothing, and a second run finds nothing left to move.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../__fixtures__/capture.js';
import { migrateReport } from './migrate-remote.js';

let root: string;
let remote: string;
let config: string;

function backup(at: string, file: string, content: string, o: { manifest?: boolean } = {}): string {
  const data = join(at, file);
  mkdirSync(dirname(data), { recursive: true });
  writeFileSync(data, content);
  const sha256 = createHash('sha256').update(content).digest('hex');
  writeFileSync(`${data}.sha256`, `${sha256}  ${file.split('/').pop()}\n`);
  if (o.manifest !== false) {
    const timestamp = file.split('/').pop()!.split('.')[0]!;
    writeFileSync(
      `${data}.manifest.json`,
      JSON.stringify({ version: 1, container: 'db', type: 'fs', instance: 'data', schedule: 'daily', trigger: 'schedule', timestamp, file: file.split('/').pop(), compression: 'zstd', size: content.length, sha256 }),
    );
  }
  return sha256;
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'baqup-migrate-'));
  remote = join(root, 'remote');
  mkdirSync(remote);
  config = join(root, 'baqup.yml');
  writeFileSync(config, JSON.stringify({ staging: { path: join(root, 'staging') }, upload: { remote }, data_dir: join(root, 'data') }));
  process.env.BAQUP_HOSTNAME = 'nas';
});
afterEach(() => {
  delete process.env.BAQUP_HOSTNAME;
  rmSync(root, { recursive: true, force: true });
});

describe('baqup migrate-remote', () => {
  it('moves legacy backups under the host, removes duplicates, leaves conflicts and incomplete ones; --dry-run touches nothing', async () => {
    backup(remote, 'db/fs-data/20261201T030000Z.tar.zst', 'one');
    backup(remote, 'db/fs-data/20261202T030000Z.tar.zst', 'two');
    backup(join(remote, 'nas'), 'db/fs-data/20261202T030000Z.tar.zst', 'two'); // already there, same sha256
    backup(remote, 'db/fs-data/20261203T030000Z.tar.zst', 'three-old');
    backup(join(remote, 'nas'), 'db/fs-data/20261203T030000Z.tar.zst', 'three-new'); // a different backup of that name
    backup(remote, 'db/fs-data/20261204T030000Z.tar.zst', 'four', { manifest: false });

    const dry = await cli('migrate-remote', '--dry-run', '--config', config);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/would move\s+db\/fs-data\/20261201T030000Z\.tar\.zst -> nas\/db\/fs-data\/20261201T030000Z\.tar\.zst/);
    expect(dry.stdout).toMatch(/would remove duplicate\s+db\/fs-data\/20261202T030000Z\.tar\.zst/);
    expect(dry.stdout).toMatch(/would leave \(conflict\)\s+db\/fs-data\/20261203T030000Z\.tar\.zst .*compare both/);
    expect(dry.stdout).toContain('4 legacy backup(s): 1 to move, 1 duplicate(s), 1 conflict(s), 1 incomplete');
    expect(existsSync(join(remote, 'db/fs-data/20261201T030000Z.tar.zst'))).toBe(true);
    expect(existsSync(join(remote, 'nas/db/fs-data/20261201T030000Z.tar.zst'))).toBe(false);

    const run = await cli('migrate-remote', '--json', '--config', config);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { host: string; dry_run: boolean; results: { from: string; outcome: string }[] };
    expect(report.host).toBe('nas');
    expect(report.dry_run).toBe(false);
    expect(Object.fromEntries(report.results.map((r) => [r.from.split('/').pop(), r.outcome]))).toEqual({
      '20261201T030000Z.tar.zst': 'moved',
      '20261202T030000Z.tar.zst': 'already-there',
      '20261203T030000Z.tar.zst': 'conflict',
      '20261204T030000Z.tar.zst': 'incomplete',
    });
    // Moved with its sidecars; the legacy copy is gone.
    for (const f of ['', '.sha256', '.manifest.json']) {
      expect(existsSync(join(remote, `nas/db/fs-data/20261201T030000Z.tar.zst${f}`)), f).toBe(true);
      expect(existsSync(join(remote, `db/fs-data/20261201T030000Z.tar.zst${f}`)), f).toBe(false);
      expect(existsSync(join(remote, `db/fs-data/20261202T030000Z.tar.zst${f}`)), f).toBe(false);
    }
    expect(readFileSync(join(remote, 'nas/db/fs-data/20261201T030000Z.tar.zst'), 'utf8')).toBe('one');
    // The conflict is left on both sides, untouched; the incomplete one (no manifest) stays where it is.
    expect(readFileSync(join(remote, 'db/fs-data/20261203T030000Z.tar.zst'), 'utf8')).toBe('three-old');
    expect(readFileSync(join(remote, 'nas/db/fs-data/20261203T030000Z.tar.zst'), 'utf8')).toBe('three-new');
    expect(existsSync(join(remote, 'db/fs-data/20261204T030000Z.tar.zst'))).toBe(true);

    const again = await cli('migrate-remote', '--config', config);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('2 legacy backup(s): 0 moved, 0 duplicate(s), 1 conflict(s), 1 incomplete');
  }, 60_000);

  it('refuses a restic backend: snapshots carry their host already', async () => {
    writeFileSync(config, JSON.stringify({ staging: { path: join(root, 'staging') }, upload: { backend: 'restic', restic: { repository: join(root, 'repo'), password: 'x' } }, data_dir: join(root, 'data') }));
    const r = await cli('migrate-remote', '--config', config);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('upload.backend is not rclone');
  });

  it('reports in words', () => {
    expect(migrateReport([], false)).toEqual(['no backups at the remote root: nothing to migrate']);
    expect(migrateReport([{ from: 'a/fs-x/1.tar', to: 'h/a/fs-x/1.tar', outcome: 'incomplete' }], true)[0]).toMatch(/^would leave \(incomplete\)\s+a\/fs-x\/1\.tar -> h\/a\/fs-x\/1\.tar \(no manifest/);
  });
});
