// rclone upload against real remotes: a local-path remote and `rclone serve sftp` on 127.0.0.1.
// Assertions read the remote's directory directly, never through rclone.
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstValueFrom, from, toArray } from 'rxjs';
import type { BackupJob, BackupManifest, JobFlow, StagedJob } from '@baqup/core';
import { createRcloneRemote, markerPath, pendingUploads, upload, uploadPending, UploadFailedError, type UploadedJob } from '@baqup/upload';
import { captureLogger, SftpServer, sha256Of, stamp, writeStaged } from './upload-fixtures.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'baqup-upload-e2e-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function dirs(name: string): Promise<{ staging: string; remoteDir: string }> {
  return { staging: join(work, name, 'staging'), remoteDir: join(work, name, 'remote') };
}

async function expectOnRemote(remoteDir: string, relativePath: string, sha256: string): Promise<void> {
  const landed = join(remoteDir, relativePath);
  expect(await sha256Of(landed)).toBe(sha256);
  expect((await readFile(`${landed}.sha256`, 'utf8')).startsWith(sha256)).toBe(true);
  expect(JSON.parse(await readFile(`${landed}.manifest.json`, 'utf8'))).toMatchObject({ sha256 });
}

describe('rclone upload to a local-path remote', () => {
  it('lands every file at the mirrored path, verified, and records the marker', async () => {
    const { staging, remoteDir } = await dirs('local');
    const a = await writeStaged(staging, { container: 'nextcloud', timestamp: stamp(0), content: randomBytes(3 << 20) });
    const b = await writeStaged(staging, { container: 'nextcloud', type: 'fs', instance: 'config', timestamp: stamp(0), ext: 'tar.gz', content: randomBytes(1000) });
    const logger = captureLogger();
    const remote = createRcloneRemote({ remote: remoteDir, logger });
    expect((await pendingUploads(staging, remote)).map((p) => p.relativePath).sort()).toEqual([a.relativePath, b.relativePath].sort());

    const report = await remote.upload(a.file, a.relativePath);
    expect(report).toMatchObject({ relativePath: 'nextcloud/postgres-main/20240101T000000Z.sql.gz', bytes: 3 << 20, sha256: a.sha256, verifiedBy: 'remote-hash' });
    await expectOnRemote(remoteDir, a.relativePath, a.sha256);
    expect(existsSync(markerPath(a.file))).toBe(true);
    expect((await pendingUploads(staging, remote)).map((p) => p.relativePath)).toEqual([b.relativePath]);

    const listed = await remote.list('nextcloud');
    expect(listed.map((r) => r.path)).toEqual([a.relativePath]);
    expect(listed[0]).toMatchObject({ hasSha256: true, manifest: { schedule: 'daily', sha256: a.sha256 } });
    expect(logger.lines.map((l) => l.event)).toEqual(expect.arrayContaining(['upload.started', 'upload.succeeded']));
  });

  it('reports progress while a rate-limited upload runs', async () => {
    const { staging, remoteDir } = await dirs('progress');
    const a = await writeStaged(staging, { container: 'big', timestamp: stamp(0), content: randomBytes(6 << 20) });
    const logger = captureLogger();
    const seen: number[] = [];
    const remote = createRcloneRemote({ remote: remoteDir, logger, bwlimit: '2M', statsIntervalSeconds: 1 });
    await remote.upload(a.file, a.relativePath, undefined, { onProgress: (p) => seen.push(p.bytes) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.some((b) => b > 0 && b <= 6 << 20)).toBe(true);
    const progress = logger.lines.filter((l) => l.event === 'upload.progress');
    expect(progress.length).toBe(seen.length);
    expect(progress[0]).toMatchObject({ remote: remoteDir, path: a.relativePath });
    await expectOnRemote(remoteDir, a.relativePath, a.sha256);
  });

  it('refuses a connection string carrying a password', () => {
    expect(() => createRcloneRemote({ remote: ':sftp,host=h,pass=c2VjcmV0:x', logger: captureLogger() })).toThrow(/RCLONE_CONFIG_/);
  });

  it('fails verification when the staged checksum does not match what landed', async () => {
    const { staging, remoteDir } = await dirs('corrupt');
    const a = await writeStaged(staging, { container: 'c', timestamp: stamp(0), content: 'hello' });
    // The data file no longer matches its recorded checksum (bit rot in staging, or a torn write).
    await writeFile(a.file, 'hellO');
    const remote = createRcloneRemote({ remote: remoteDir, logger: captureLogger() });
    const err = await remote.upload(a.file, a.relativePath).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UploadFailedError);
    expect(err).toMatchObject({ code: 'BAQUP_UPLOAD_FAILED', retryable: true });
    expect(String((err as Error).message)).toMatch(/does not match/);
    expect(existsSync(`${join(remoteDir, a.relativePath)}.manifest.json`)).toBe(false); // never marked complete
    expect(existsSync(markerPath(a.file))).toBe(false);
  });
});

describe('rclone upload never replaces a backup on the remote (rclone 1.60 ignores --immutable in copyto)', () => {
  it('refuses a different backup under a committed name: not retryable, remote untouched, staged copy kept', async () => {
    const { staging, remoteDir } = await dirs('collide');
    const remote = createRcloneRemote({ remote: remoteDir, logger: captureLogger() });
    const a = await writeStaged(staging, { container: 'c', timestamp: stamp(0), content: randomBytes(10_000) });
    await remote.upload(a.file, a.relativePath);
    // Another staging root (another host, or a name reused after cleanup_after_upload) with the same name.
    const other = await writeStaged(join(work, 'collide', 'staging2'), { container: 'c', timestamp: stamp(0), content: randomBytes(10_000) });
    expect(other.relativePath).toBe(a.relativePath);
    const logger = captureLogger();
    const err = await createRcloneRemote({ remote: remoteDir, logger }).upload(other.file, other.relativePath).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UploadFailedError);
    expect(err).toMatchObject({ code: 'BAQUP_UPLOAD_FAILED', retryable: false });
    expect(String((err as Error).message)).toContain(`already holds a different backup (sha256 ${a.sha256}); baqup never replaces a backup on the remote`);
    await expectOnRemote(remoteDir, a.relativePath, a.sha256);
    expect(existsSync(other.file)).toBe(true);
    expect(existsSync(markerPath(other.file))).toBe(false);
    expect(logger.lines.find((l) => l.event === 'upload.failed')?.error).toMatchObject({ code: 'BAQUP_UPLOAD_FAILED' });
  });

  it('replaces a torn earlier try (data and checksum without a manifest)', async () => {
    const { staging, remoteDir } = await dirs('torn');
    const a = await writeStaged(staging, { container: 'c', timestamp: stamp(0), content: randomBytes(20_000) });
    await mkdir(join(remoteDir, 'c', 'postgres-main'), { recursive: true });
    await writeFile(join(remoteDir, a.relativePath), 'half a file');
    await writeFile(join(remoteDir, `${a.relativePath}.sha256`), 'stale');
    await createRcloneRemote({ remote: remoteDir, logger: captureLogger() }).upload(a.file, a.relativePath);
    await expectOnRemote(remoteDir, a.relativePath, a.sha256);
  });

  it('keeps the same backup already committed by an earlier run that lost its marker, without sending it again', async () => {
    const { staging, remoteDir } = await dirs('again');
    const remote = createRcloneRemote({ remote: remoteDir, logger: captureLogger() });
    const a = await writeStaged(staging, { container: 'c', timestamp: stamp(0), content: randomBytes(20_000) });
    expect((await remote.upload(a.file, a.relativePath)).bytesPerSecond).toBeGreaterThan(0);
    const before = statSync(join(remoteDir, a.relativePath));
    await rm(markerPath(a.file));
    const again = await remote.upload(a.file, a.relativePath);
    expect(again).toMatchObject({ sha256: a.sha256, bytesPerSecond: 0, verifiedBy: 'remote-hash' });
    const after = statSync(join(remoteDir, a.relativePath));
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(existsSync(markerPath(a.file))).toBe(true);
  });
});

describe('rclone upload to rclone serve sftp', () => {
  let server: SftpServer;
  let remoteDir: string;
  let staging: string;
  beforeAll(async () => {
    ({ staging, remoteDir } = await dirs('sftp'));
    await mkdir(remoteDir, { recursive: true });
    server = await SftpServer.start(remoteDir);
  });
  afterAll(async () => {
    await server.stop();
  });

  it('uploads, verifies by download (no sha256 on sftp), and keeps the password out of logs and errors', async () => {
    const logger = captureLogger();
    const remote = createRcloneRemote({ remote: 'TESTSFTP:backups', env: server.clientEnv(), logger, retries: 1, lowLevelRetries: 1 });
    const a = await writeStaged(staging, { container: 'app', timestamp: stamp(0), content: randomBytes(2 << 20) });
    const report = await remote.upload(a.file, a.relativePath);
    expect(report.verifiedBy).toBe('download');
    await expectOnRemote(join(remoteDir, 'backups'), a.relativePath, a.sha256);
    expect(logger.text()).not.toContain(server.password);
  });

  it('re-sends a file that only looks present in the server dir cache, and proves it landed', async () => {
    const logger = captureLogger();
    const remote = createRcloneRemote({ remote: 'TESTSFTP:backups', env: server.clientEnv(), logger, retries: 1, lowLevelRetries: 1 });
    const a = await writeStaged(staging, { container: 'cache', timestamp: stamp(0), content: randomBytes(100_000) });
    await remote.upload(a.file, a.relativePath);
    // Removed behind the server's back: its directory cache still lists it with the same size and time.
    await rm(join(remoteDir, 'backups', a.relativePath));
    await rm(markerPath(a.file));
    expect((await remote.list('cache')).map((r) => r.path)).toContain(a.relativePath); // the ghost
    await remote.upload(a.file, a.relativePath);
    await expectOnRemote(join(remoteDir, 'backups'), a.relativePath, a.sha256);
  });

  it('remote down: upload fails, staging stays pending, the next run uploads old and new', async () => {
    const logger = captureLogger();
    const remote = createRcloneRemote({ remote: 'TESTSFTP:backups', env: server.clientEnv(), logger, retries: 1, lowLevelRetries: 1 });
    const old = await writeStaged(staging, { container: 'down', timestamp: stamp(0), content: randomBytes(50_000) });
    await server.stop();
    try {
      const first = await uploadPending({ stagingRoot: join(staging), remote, cleanupAfterUpload: true, logger, prefix: 'down' });
      expect(first.uploaded).toEqual([]);
      expect(first.failed).toEqual([{ relativePath: old.relativePath, error: expect.objectContaining({ code: 'BAQUP_UPLOAD_FAILED' }) }]);
      expect(existsSync(old.file)).toBe(true);
      expect((await pendingUploads(staging, remote)).map((p) => p.relativePath)).toContain(old.relativePath);
      const failedLine = logger.lines.find((l) => l.event === 'upload.failed');
      expect(failedLine?.error).toMatchObject({ code: 'BAQUP_UPLOAD_FAILED' });
      expect(logger.text()).not.toContain(server.password);
    } finally {
      await server.start();
    }
    const fresh = await writeStaged(staging, { container: 'down', timestamp: stamp(1), content: randomBytes(50_000) });
    const second = await uploadPending({ stagingRoot: staging, remote, cleanupAfterUpload: true, logger, prefix: 'down' });
    expect(second.uploaded.map((u) => ('relativePath' in u ? u.relativePath : u.snapshotId))).toEqual([old.relativePath, fresh.relativePath]);
    for (const f of [old, fresh]) {
      await expectOnRemote(join(remoteDir, 'backups'), f.relativePath, f.sha256);
      // Cleanup only after verification: staging is freed, sidecars included.
      for (const path of [f.file, `${f.file}.sha256`, `${f.file}.manifest.json`, markerPath(f.file)]) expect(existsSync(path)).toBe(false);
    }
    expect((await pendingUploads(staging, remote)).filter((p) => p.relativePath.startsWith('down/'))).toEqual([]);
  });
});

describe('upload operator', () => {
  const job = (id: string): BackupJob => ({
    id,
    container: { containerId: 'c0ffee', containerName: 'op', image: 'postgres:16', enabled: true, stop: false, schedules: {}, targets: [], errors: [] },
    target: { type: 'postgres', instance: 'main', schedule: 'daily', compress: 'gzip', timeoutSeconds: 60, properties: {} },
    schedule: { name: 'daily', cron: '0 3 * * *', retention: { keepLast: 7 } },
    triggeredAt: new Date(),
    trigger: 'manual',
  });
  const stagedJob = async (staging: string, id: string, hour: number): Promise<StagedJob> => {
    const s = await writeStaged(staging, { container: 'op', timestamp: stamp(hour), content: randomBytes(20_000) });
    const manifest = JSON.parse(await readFile(`${s.file}.manifest.json`, 'utf8')) as BackupManifest;
    return { kind: 'staged', job: job(id), stagingPath: s.file, manifest };
  };

  it('uploads staged jobs, passes failures through, frees staging only after verification', async () => {
    const { staging, remoteDir } = await dirs('operator');
    const logger = captureLogger();
    const good = await stagedJob(staging, 'j1', 0);
    const passed: JobFlow<StagedJob> = { kind: 'failed', result: { job: job('j0'), success: false, durationSeconds: 0, error: { code: 'BAQUP_DUMP_FAILED', message: 'x' } } };
    const remote = createRcloneRemote({ remote: remoteDir, logger });
    const out = await firstValueFrom(from([passed, good]).pipe(upload({ remote, stagingRoot: staging, cleanupAfterUpload: true, logger }), toArray()));
    expect(out[0]).toBe(passed);
    const up = out[1] as UploadedJob;
    expect(up).toMatchObject({ kind: 'uploaded', stagingRemoved: true, report: { sha256: good.manifest.sha256 } });
    expect(await sha256Of(join(remoteDir, 'op/postgres-main', `${stamp(0)}.sql.gz`))).toBe(good.manifest.sha256);
    expect(existsSync(good.stagingPath)).toBe(false);

    // Remote unusable (a file where its directory should be): a failed result, staging kept for the next run.
    const bad = await stagedJob(staging, 'j2', 1);
    await writeFile(join(work, 'not-a-dir'), 'x');
    const broken = createRcloneRemote({ remote: join(work, 'not-a-dir'), logger, retries: 1, lowLevelRetries: 1 });
    const [failed] = await firstValueFrom(from([bad]).pipe(upload({ remote: broken, stagingRoot: staging, cleanupAfterUpload: true, logger }), toArray()));
    expect(failed).toMatchObject({ kind: 'failed', result: { success: false, stagingPath: bad.stagingPath, error: { code: 'BAQUP_UPLOAD_FAILED' } } });
    expect(existsSync(bad.stagingPath)).toBe(true);
  });
});
