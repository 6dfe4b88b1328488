// restic as the backend, for real: dedupe across three ~50 MB dumps, retention, exact restore through dump,
// and a dump that breaks half-way leaving no snapshot behind.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret, type BackupManifest } from '@baqup/core';
import { pruneSide } from '@baqup/prune';
import { createResticRepository, MANIFEST_TAG_PREFIX, manifestTag, resticRetentionSide, UploadFailedError, type ResticRepository } from '@baqup/upload';
import { captureLogger } from './upload-fixtures.js';

const MB = 1 << 20;
const PASSWORD = `restic-pw-${Math.random().toString(36).slice(2)}`;

/** A pg_dump-like text stream of ~`sizeMb` MB; `version` changes a few rows and appends some, as a day of use would. */
function sqlDump(version: number, sizeMb = 50, failAfterBytes?: number): Readable {
  async function* lines(): AsyncGenerator<Buffer> {
    let sent = 0;
    let batch: string[] = [];
    let batchBytes = 0;
    const rows = Math.floor((sizeMb * MB) / 100);
    for (let i = 0; i < rows + version * 500; i++) {
      // A few rows updated in one place (as a day of use does), plus rows appended at the end.
      const changed = i >= version * 100_000 && i < version * 100_000 + 50 ? `-changed-in-v${version}` : '';
      const line = `INSERT INTO items VALUES (${i}, 'item-${i}${changed}', '${(i * 2654435761 % 4294967296).toString(36).padEnd(40, 'x')}', ${i % 97});\n`;
      batch.push(line);
      batchBytes += line.length;
      if (batchBytes >= 256 * 1024) {
        sent += batchBytes;
        yield Buffer.from(batch.join(''));
        batch = [];
        batchBytes = 0;
        if (failAfterBytes !== undefined && sent >= failAfterBytes) throw new Error('pg_dump exited with code 1: connection lost');
      }
    }
    yield Buffer.from(batch.join(''));
  }
  return Readable.from(lines(), { objectMode: false });
}

async function sha256OfStream(s: Readable): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const c of s) {
    h.update(c as Buffer);
    bytes += (c as Buffer).length;
  }
  return { sha256: h.digest('hex'), bytes };
}

const du = (dir: string): number => Number(spawnSync('du', ['-sb', dir], { encoding: 'utf8' }).stdout.split('\t')[0]);

let work: string;
let repoDir: string;
let repo: ResticRepository;
const logger = captureLogger();
const tags = ['container:shop', 'target:postgres-main', 'schedule:daily'];

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'baqup-restic-e2e-'));
  repoDir = join(work, 'repo');
  repo = createResticRepository({ repository: repoDir, password: new Secret(PASSWORD), host: 'baqup-test', logger, cacheDir: join(work, 'cache') });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('restic repository', () => {
  it('creates the repository once, and never over a wrong password', async () => {
    expect(await repo.init()).toBe('created');
    expect(await repo.init()).toBe('exists');
    const wrong = createResticRepository({ repository: repoDir, password: new Secret('nope'), host: 'x', logger, cacheDir: join(work, 'cache') });
    await expect(wrong.init()).rejects.toMatchObject({ code: 'BAQUP_RESTIC_FAILED' });
  });

  it('dedupes three ~50 MB dumps with small changes and dumps back the exact bytes', async () => {
    const sizes: number[] = [];
    const reports = [];
    for (const version of [1, 2, 3]) {
      reports.push(await repo.backupStdin(sqlDump(version), { stdinFilename: 'shop/postgres-main.sql', tags }));
      sizes.push(du(repoDir));
    }
    const input = await sha256OfStream(sqlDump(3));
    console.log(
      `restic dedupe: input ${(input.bytes / MB).toFixed(1)} MB per dump; repo after 1/2/3 dumps: ${sizes.map((s) => (s / MB).toFixed(2)).join(' / ')} MB; ` +
        `added per backup: ${reports.map((r) => (r.bytesAdded / MB).toFixed(2)).join(' / ')} MB`,
    );
    expect(input.bytes).toBeGreaterThan(45 * MB);
    // Three full copies would be 3× the first; dedupe stores only the changed chunks. restic's chunks are 512 KiB to
    // 8 MiB (content-defined, with a random polynomial per repository), so one changed place and the appended tail
    // touch at most three chunks: at most 24 MiB per backup, whatever the chunk sizes came out as (a bound of a
    // quarter of the first backup failed in CI on big chunks: 16.8 MB added).
    const MAX_CHUNK = 8 * MB;
    expect(reports[1]!.bytesAdded).toBeLessThanOrEqual(3 * MAX_CHUNK);
    expect(reports[2]!.bytesAdded).toBeLessThanOrEqual(3 * MAX_CHUNK);
    expect(reports[1]!.bytesAdded).toBeLessThan(reports[0]!.bytesAdded / 2);
    expect(sizes[2]! - sizes[0]!).toBeLessThan(reports[1]!.bytesAdded + reports[2]!.bytesAdded + 2 * MB);

    const snaps = await repo.snapshots({ tags });
    expect(snaps).toHaveLength(3);
    expect(snaps.at(-1)?.id).toMatch(new RegExp(`^${reports[2]!.snapshotId}`));
    const restored = await sha256OfStream(repo.dump(snaps.at(-1)!.id, 'shop/postgres-main.sql'));
    expect(restored).toEqual(input);
  });

  it('a dump that fails half-way leaves no snapshot', async () => {
    const before = await repo.snapshots();
    const err = await repo
      .backupStdin(sqlDump(4, 50, 20 * MB), { stdinFilename: 'shop/postgres-main.sql', tags })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UploadFailedError);
    expect((err as Error).message).toMatch(/input stream failed: pg_dump exited with code 1/);
    expect((await repo.snapshots()).map((s) => s.id)).toEqual(before.map((s) => s.id));
    // And restic's lock went with it: an exclusive operation still works.
    await repo.check();
  });

  it('retention by prune\'s arithmetic: per host, per trigger, a snapshot without a manifest tag counts as scheduled', async () => {
    // Here: the three dedupe snapshots (no manifest tag: taken as scheduled 'daily' ones, dated by restic),
    // three manual ones with a manifest tag, another target's snapshot, and one of another host of the same names.
    const ref = { container: 'shop', type: 'postgres', instance: 'main' } as const;
    const manifest = (i: number): BackupManifest => ({
      version: 1, container: 'shop', containerId: 'c0ffee', image: 'postgres:16', type: 'postgres', instance: 'main', schedule: 'daily',
      trigger: 'manual', timestamp: `20261207T10000${i}Z`, file: `2026120710000${i}.sql`, compression: 'none', size: 10, sha256: 'a'.repeat(64),
      toolVersions: {}, durations: { dumpMs: 1, totalMs: 1 },
    });
    for (const i of [1, 2, 3]) {
      await repo.backupStdin(Readable.from([Buffer.from(`manual ${i}`)]), { stdinFilename: 'shop/postgres-main.sql', tags: [...tags, manifestTag(manifest(i))] });
    }
    const other = ['container:shop', 'target:fs-config', 'schedule:daily'];
    await repo.backupStdin(Readable.from([Buffer.from('config v1')]), { stdinFilename: 'shop/fs-config.tar', tags: other });
    const elsewhere = createResticRepository({ repository: repoDir, password: new Secret(PASSWORD), host: 'other-host', logger, cacheDir: join(work, 'cache') });
    await elsewhere.backupStdin(Readable.from([Buffer.from('other host')]), { stdinFilename: 'shop/postgres-main.sql', tags });
    const before = await repo.snapshots({ tags });
    expect(before).toHaveLength(7);
    const ours = before.filter((x) => x.host === 'baqup-test');
    expect(ours).toHaveLength(6);

    const options = {
      stagingRoot: work, ...ref, schedule: 'daily', policy: { keepLast: 2 }, triggerRetention: { manual: { keepLast: 2 }, safety: { keepLast: 1 } }, logger, timeZone: 'UTC',
    };
    const dry = await pruneSide({ ...options, dryRun: true }, 'remote', resticRetentionSide(repo, ref));
    expect(dry.listed).toBe(6);
    expect(dry.deleted).toHaveLength(2);
    expect(await repo.snapshots({ tags })).toHaveLength(7);

    const side = resticRetentionSide(repo, ref);
    const result = await pruneSide(options, 'remote', side, { job_id: 'job-1' });
    await side.finish();
    expect(result.error).toBeUndefined();
    const scheduled = ours.filter((x) => !x.tags.some((t) => t.startsWith(MANIFEST_TAG_PREFIX)));
    const manual = ours.filter((x) => x.tags.some((t) => t.startsWith(MANIFEST_TAG_PREFIX)));
    // The oldest scheduled one and the oldest manual one went: three manual runs never evict a scheduled snapshot.
    expect(result.deleted.sort()).toEqual([scheduled[0]!.id, manual[0]!.id].sort());
    const after = await repo.snapshots({ tags });
    expect(after.map((x) => x.id).sort()).toEqual(before.map((x) => x.id).filter((id) => !result.deleted.includes(id)).sort());
    // Another host's snapshot of the same container and target is never judged; nor is another target's.
    expect(after.filter((x) => x.host === 'other-host')).toHaveLength(1);
    expect(await repo.snapshots({ tags: other })).toHaveLength(1);
    const forgotten = logger.lines.filter((l) => l.event === 'prune.deleted');
    expect(forgotten.map((l) => l.snapshot).sort()).toEqual(result.deleted.map((id) => id.slice(0, 8)).sort());
    expect(forgotten[0]).toMatchObject({ job_id: 'job-1', container: 'shop', target: 'postgres-main', schedule: 'daily', side: 'remote', repository: repoDir });
    await repo.check();
    expect(logger.text()).not.toContain(PASSWORD);
  });

  it('removes locks older than the configured age, and only those', async () => {
    const env = { ...process.env, RESTIC_REPOSITORY: repoDir, RESTIC_PASSWORD: PASSWORD, RESTIC_CACHE_DIR: join(work, 'cache') };
    // A backup that waits on its stdin forever holds a live lock.
    const holder = spawn('restic', ['backup', '--stdin', '--stdin-filename', 'hold'], { env, stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      for (let i = 0; i < 100 && spawnSync('restic', ['list', 'locks', '--no-lock'], { env, encoding: 'utf8' }).stdout.trim() === ''; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const patient = createResticRepository({ repository: repoDir, password: new Secret(PASSWORD), host: 'baqup-test', logger, staleLockAgeSeconds: 3600, cacheDir: join(work, 'cache') });
      expect(await patient.unlockStale()).toEqual({ deadRemoved: 0, locks: 1, old: 0, removedAll: false });
      await new Promise((r) => setTimeout(r, 1100));
      const strict = createResticRepository({ repository: repoDir, password: new Secret(PASSWORD), host: 'baqup-test', logger, staleLockAgeSeconds: 1, cacheDir: join(work, 'cache') });
      expect(await strict.unlockStale()).toEqual({ deadRemoved: 0, locks: 1, old: 1, removedAll: true });
      expect(spawnSync('restic', ['list', 'locks', '--no-lock'], { env, encoding: 'utf8' }).stdout.trim()).toBe('');
      expect(logger.lines.some((l) => l.msg === 'removed a stale restic lock')).toBe(true);
    } finally {
      holder.kill('SIGKILL');
    }
  });
});
