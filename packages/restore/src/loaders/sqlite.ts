// SQLite: the database file decompressed to a host temp file, the container stopped (journalled), stale -wal/-shm
// emptied (a WAL of the old database must never be replayed onto the restored one), the file put in place with the
// owner of the one it replaces, the container started, then `PRAGMA integrity_check` when sqlite3 is there.
import { posix } from 'node:path';
import { RestoreFailedError, RestoreRefusedError } from '../errors.js';
import type { Loader } from './context.js';
import { findTool, runOk } from './exec-stdin.js';
import { decompressToTemp, ownerOf, putFile, truncateFile } from './files.js';

export const loadSqlite: Loader = async (ctx) => {
  const db = ctx.target.path;
  if (!db) throw new RestoreRefusedError(`sqlite target ${ctx.target.instance} has no path`);
  const local = await decompressToTemp(ctx, 'restore.db');
  const owner = (await ownerOf(ctx, db)) ?? (await ownerOf(ctx, posix.dirname(db)));
  const release = await ctx.holds.hold(ctx.containerId, ctx.containerName);
  try {
    for (const side of [`${db}-wal`, `${db}-shm`]) if (await truncateFile(ctx, side)) ctx.note(`emptied stale ${side}`);
    await putFile(ctx, posix.dirname(db), posix.basename(db), local, owner ? { ...owner, mode: owner.mode & 0o777 || 0o644 } : undefined);
  } finally {
    await release();
  }
  ctx.note(`replaced ${db} (${local.size} bytes)${ctx.running ? '; container stopped and started again' : ''}`);
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
