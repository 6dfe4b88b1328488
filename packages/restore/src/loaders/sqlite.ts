// SQLite: the database file decompressed to a host temp file and staged beside the database under a hidden temp
// name while the app still runs; then, with the container stopped (journalled), one archive empties the stale
// -wal/-shm (a WAL of the old database must never be replayed onto the restored one) and links the database name to
// the staged file (files.ts: no interruption leaves a half-written database under its name); the container is
// started, the temp name removed, then `PRAGMA integrity_check` when sqlite3 is there.
import { posix } from 'node:path';
import { sqliteRestoreSidecars } from '@baqup/dump';
import { RestoreFailedError, RestoreRefusedError } from '../errors.js';
import type { Loader } from './context.js';
import { findTool, runOk } from './exec-stdin.js';
import { decompressToTemp, dropStaged, ownerOf, stageFile, swapIn, type Owner } from './files.js';

export const loadSqlite: Loader = async (ctx) => {
  const db = ctx.target.path;
  if (!db) throw new RestoreRefusedError(`sqlite target ${ctx.target.instance} has no path`);
  const dir = posix.dirname(db);
  const local = await decompressToTemp(ctx, 'restore.db');
  const owner = (await ownerOf(ctx, db)) ?? (await ownerOf(ctx, dir));
  const staged = await stageFile(ctx, dir, posix.basename(db), local, owner ? { ...owner, mode: owner.mode & 0o777 || 0o644 } : undefined);
  try {
    const release = await ctx.holds.hold(ctx.containerId, ctx.containerName);
    try {
      const empty: { name: string; owner: Owner }[] = [];
      for (const side of sqliteRestoreSidecars(db)) {
        const o = await ownerOf(ctx, side);
        if (o) empty.push({ name: posix.basename(side), owner: o });
      }
      await swapIn(ctx, staged, empty);
      for (const e of empty) ctx.note(`emptied stale ${posix.join(dir, e.name)}`);
    } finally {
      await release();
    }
  } finally {
    await dropStaged(ctx, staged);
  }
  ctx.note(`replaced ${db} (${local.size} bytes, staged then linked in place)${ctx.running ? '; container stopped and started again' : ''}`);
  if (!ctx.running) {
    ctx.note('integrity_check skipped: the container was not running (the file header and page count were checked before)');
    return;
  }
  if (!(await findTool(ctx, ['sqlite3']))) {
    ctx.note('integrity_check skipped: no sqlite3 in the container (the file header and page count were checked before)');
    return;
  }
  const out = (await runOk(ctx, ['sqlite3', '-readonly', db, 'PRAGMA integrity_check;'])).trim();
  if (out !== 'ok') throw new RestoreFailedError(`PRAGMA integrity_check on the restored ${db} says: ${out.split('\n').slice(0, 5).join('; ')}`);
  ctx.note('PRAGMA integrity_check: ok');
};
