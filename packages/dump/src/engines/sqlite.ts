// SQLite. With a sqlite3 binary in the container (and the container running): the online backup API
// (`sqlite3 <db> ".backup <tmp>"`) gives a consistent copy while the app keeps writing; the copy is read out
// through the archive API and removed. Without the binary (or with `backup.stop=true`): the container is stopped
// through the holds (journalled, restarted on every path) and the database file itself is copied. A cleanly
// stopped SQLite has checkpointed its WAL, so only the main file is copied; a `-wal` left behind (the app was
// killed) is reported, not copied.
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { pipeline } from 'node:stream';
import type { TargetConfig } from '@baqup/core';
import { collectChecks } from '../checks/collect.js';
import { sqliteRowCounts } from '../checks/sqlite.js';
import { SQLITE_HOST_COUNT_LIMIT, sqliteCountingTap } from '../checks/sqlite-tap.js';
import { openFile, statFollow } from '../archive-file.js';
import { DumpFailedError, SourceMissingError } from '../errors.js';
import { findTool, run, runOk } from '../tool.js';
import type { Engine, EngineContext, EngineOutput, PlanStep, RestorePlan } from './types.js';

function dbPath(target: TargetConfig): string {
  if (!target.path) throw new DumpFailedError(`sqlite target ${target.instance} has no path`);
  return target.path;
}

export function sqliteBackupArgv(db: string, tmp: string): string[] {
  return ['sqlite3', '-bail', db, `.backup '${tmp.replaceAll("'", "''")}'`];
}

/** Files beside the database a restore empties (a WAL of the old database must never be replayed onto the new one). */
export function sqliteRestoreSidecars(db: string): string[] {
  return [`${db}-wal`, `${db}-shm`];
}

async function hot(ctx: EngineContext, db: string, version: string): Promise<EngineOutput> {
  const tmp = `${ctx.tmpDir}/baqup-${randomBytes(8).toString('hex')}.db`;
  ctx.defer(async () => {
    // With the WAL and SHM files that counting the rows on a WAL-mode copy leaves beside it.
    await run({ ...ctx, signal: AbortSignal.timeout(30_000) }, ['rm', '-f', tmp, `${tmp}-wal`, `${tmp}-shm`, `${tmp}-journal`]);
  });
  await runOk(ctx, sqliteBackupArgv(db, tmp));
  // Counted on the consistent copy itself: exactly what the backup holds.
  const checks = await collectChecks('row counts', ctx.logger, async () => ({ tables: await sqliteRowCounts((argv, e) => run(ctx, argv, e), tmp) }));
  const file = await openFile(ctx.files, tmp);
  return { stream: file.stream, extension: 'db', toolVersions: { sqlite3: version }, checks: () => Promise.resolve(checks) };
}

async function cold(ctx: EngineContext, db: string): Promise<EngineOutput> {
  if (!ctx.cold) {
    // It was admitted as a hot dump: leave that first, or the cold hold would wait for this very job.
    await ctx.releaseHot?.();
    const release = await ctx.holds.hold(ctx.containerId, ctx.containerName, ctx.signal, ctx.abort);
    ctx.defer(release);
  }
  const wal = await statFollow(ctx.files, `${db}-wal`);
  if (wal && wal.size > 0) {
    ctx.logger.warn('sqlite WAL file not empty after stop: its last transactions are not in the copied file', { path: `${db}-wal`, bytes: wal.size });
  }
  const file = await openFile(ctx.files, db);
  const size = file.size;
  if (size > SQLITE_HOST_COUNT_LIMIT) {
    const notes = [`row counts not recorded at dump time: the database (${size} bytes) is above the ${SQLITE_HOST_COUNT_LIMIT}-byte limit for counting a cold copy on the host`];
    return { stream: file.stream, extension: 'db', toolVersions: {}, checks: () => Promise.resolve({ notes }) };
  }
  const counter = await sqliteCountingTap();
  return { stream: pipeline(file.stream, counter.tap, () => {}), extension: 'db', toolVersions: {}, checks: counter.checks };
}

export const sqlite: Engine = {
  extension: 'db',

  async dump(ctx) {
    const db = dbPath(ctx.target);
    if (!(await statFollow(ctx.files, db))) throw new SourceMissingError(db, ctx.containerName);
    if (ctx.cold) return cold(ctx, db);
    const tool = await findTool(ctx, ['sqlite3']);
    return tool ? hot(ctx, db, tool.version) : cold(ctx, db);
  },

  plan(target, container): PlanStep[] {
    const db = target.path ?? '<path>';
    const coldSteps: PlanStep[] = [
      { action: 'stop', description: 'stop the container (journalled; started again on every path)' },
      { action: 'read-file', description: 'copy the database file', path: db },
      { action: 'start', description: 'start the container again' },
    ];
    if (container.stop) return coldSteps;
    return [
      { action: 'exec', description: 'look for sqlite3 in the container', argv: ['sh', '-c', '…', 'sqlite3'] },
      { action: 'exec', description: 'if present: online backup to a temp file', argv: sqliteBackupArgv(db, '/tmp/baqup-<random>.db') },
      { action: 'read-file', description: 'copy the temp file out, then remove it', path: '/tmp/baqup-<random>.db' },
      ...coldSteps.map((s) => ({ ...s, description: `if absent: ${s.description}` })),
    ];
  },

  restore(target): RestorePlan {
    const db = target.path ?? '<path>';
    return {
      steps: [
        { action: 'write-file', description: 'stage the database beside it under a hidden temp name', path: `${posix.dirname(db)}/.${posix.basename(db)}.baqup-restore-<random>`, stdin: true },
        { action: 'stop', description: 'stop the container (journalled; started again on every path)' },
        { action: 'write-file', description: 'empty stale WAL/SHM files and link the database name to the staged file (one archive)', path: `${sqliteRestoreSidecars(db).join(', ')}, ${db}` },
        { action: 'start', description: 'start the container' },
        { action: 'remove-file', description: 'remove the temp name', path: `${posix.dirname(db)}/.${posix.basename(db)}.baqup-restore-<random>` },
      ],
      notes: ['The file is a complete SQLite database: `sqlite3 file "PRAGMA integrity_check"` checks it.'],
    };
  },
};
