// Retention on both sides for real: staged files on disk, a remote behind `rclone serve sftp`.
// Assertions read both directories directly.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneTarget } from '@baqup/prune';
import { createRcloneRemote, uploadPending } from '@baqup/upload';
import { captureLogger, SftpServer, stamp, writeStaged } from './upload-fixtures.js';

let work: string;
let server: SftpServer;
let served: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'baqup-prune-e2e-'));
  served = join(work, 'served');
  await mkdir(served, { recursive: true });
  server = await SftpServer.start(served);
});
afterAll(async () => {
  await server.stop();
  await rm(work, { recursive: true, force: true });
});

const files = async (dir: string): Promise<string[]> => (await readdir(dir).catch(() => [] as string[])).sort();

describe('pruneTarget on staging and remote', () => {
  it('leaves exactly N on both sides after N+3 runs, sidecars included; other schedules untouched', async () => {
    const N = 4;
    const staging = join(work, 'runs', 'staging');
    const logger = captureLogger();
    const remote = createRcloneRemote({ remote: 'TESTSFTP:runs', env: server.clientEnv(), logger, retries: 1, lowLevelRetries: 1 });
    // An hourly backup of the same target, older than everything: keep-last of `daily` must not count or touch it.
    await writeStaged(staging, { container: 'app', schedule: 'hourly', timestamp: stamp(-5), content: 'hourly' });
    const stamps: string[] = [];
    for (let run = 0; run < N + 3; run++) {
      stamps.push(stamp(run * 24));
      await writeStaged(staging, { container: 'app', schedule: 'daily', timestamp: stamp(run * 24), content: randomBytes(10_000) });
      const up = await uploadPending({ stagingRoot: staging, remote, cleanupAfterUpload: false, logger });
      expect(up.failed).toEqual([]);
      const results = await pruneTarget({
        stagingRoot: staging, remote, container: 'app', type: 'postgres', instance: 'main', schedule: 'daily',
        policy: { keepLast: N }, logger, now: new Date(Date.UTC(2024, 0, 1) + run * 86_400_000 + 3_600_000),
      });
      expect(results.map((r) => r.error)).toEqual([undefined, undefined]);
    }
    const newest = stamps.slice(-N).map((s) => `${s}.sql.gz`);
    const expected = (extra: string[]): string[] =>
      [...newest, `${stamp(-5)}.sql.gz`].flatMap((f) => [f, `${f}.manifest.json`, `${f}.sha256`, ...extra.map((e) => e.replace('{}', f))]).sort();
    expect(await files(join(staging, 'app/postgres-main'))).toEqual(expected(['.{}.uploaded']));
    expect(await files(join(served, 'runs/app/postgres-main'))).toEqual(expected([]));
    const deleted = logger.lines.filter((l) => l.event === 'prune.deleted');
    expect(deleted.filter((l) => l.side === 'staging')).toHaveLength(3);
    expect(deleted.filter((l) => l.side === 'remote')).toHaveLength(3);
    expect(deleted[0]).toMatchObject({ container: 'app', target: 'postgres-main', schedule: 'daily' });
  });

  it('dry run reports what would go and deletes nothing', async () => {
    const staging = join(work, 'dry', 'staging');
    for (let i = 0; i < 5; i++) await writeStaged(staging, { container: 'dry', timestamp: stamp(i * 24), content: `d${i}` });
    const before = await files(join(staging, 'dry/postgres-main'));
    const [side] = await pruneTarget({
      stagingRoot: staging, container: 'dry', type: 'postgres', instance: 'main', schedule: 'daily',
      policy: { keepLast: 2 }, dryRun: true, logger: captureLogger(), now: new Date(Date.UTC(2024, 1, 1)),
    });
    expect(side?.deleted).toEqual([0, 1, 2].reverse().map((i) => `dry/postgres-main/${stamp(i * 24)}.sql.gz`));
    expect(side?.dryRun).toBe(true);
    expect(await files(join(staging, 'dry/postgres-main'))).toEqual(before);
  });

  it('never prunes a side whose listing failed', async () => {
    const staging = join(work, 'down', 'staging');
    const logger = captureLogger();
    const remote = createRcloneRemote({ remote: 'TESTSFTP:down', env: server.clientEnv(), logger, retries: 1, lowLevelRetries: 1 });
    for (let i = 0; i < 4; i++) await writeStaged(staging, { container: 'down', timestamp: stamp(i * 24), content: `x${i}` });
    expect((await uploadPending({ stagingRoot: staging, remote, cleanupAfterUpload: false, logger })).uploaded).toHaveLength(4);
    const remoteBefore = await files(join(served, 'down/down/postgres-main'));
    expect(remoteBefore).toHaveLength(12);
    await server.stop();
    try {
      const [local, far] = await pruneTarget({
        stagingRoot: staging, remote, container: 'down', type: 'postgres', instance: 'main', schedule: 'daily',
        policy: { keepLast: 1 }, logger, now: new Date(Date.UTC(2024, 1, 1)),
      });
      expect(local?.deleted).toHaveLength(3);
      expect(far).toMatchObject({ side: 'remote', listed: 0, deleted: [], error: { code: 'BAQUP_REMOTE_LIST_FAILED' } });
      expect(logger.lines.filter((l) => l.event === 'prune.failed')).toEqual([
        expect.objectContaining({ side: 'remote', container: 'down', error: expect.objectContaining({ code: 'BAQUP_REMOTE_LIST_FAILED' }) }),
      ]);
      expect(logger.text()).not.toContain(server.password);
    } finally {
      await server.start();
    }
    expect(await files(join(served, 'down/down/postgres-main'))).toEqual(remoteBefore);
  });
});
