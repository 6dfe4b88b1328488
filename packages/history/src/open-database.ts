// Opens `<data_dir>/baqup.db`: WAL, integrity check, migrations. A file that fails any of them is moved aside
// (with its -wal and -shm) and a fresh database takes its place, so a damaged history never stops backups.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { HistoryCorruptError, errorMessage, type Logger } from '@baqup/core';
import { migrate } from './schema.js';

export interface OpenedDatabase {
  db: Database;
  /** Where a damaged file was moved to, when it was. */
  movedAside?: string | undefined;
  /** Created by this open (no file before, or a damaged one moved aside). */
  fresh: boolean;
}

function openChecked(path: string): { db: Database; fresh: boolean } {
  const existed = existsSync(path);
  const db = new BetterSqlite3(path);
  try {
    const check = db.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(`integrity_check: ${String(check)}`);
    db.pragma('journal_mode = WAL');
    // WAL with NORMAL: a power cut may lose the last batch, never corrupt the file; history is not the backup.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 2000');
    const { from } = migrate(db);
    return { db, fresh: !existed || from === 0 };
  } catch (err) {
    db.close();
    throw err;
  }
}

function moveAside(path: string, stamp: string): string {
  const aside = `${path}.corrupt-${stamp}`;
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
  return aside;
}

/** Opens (or creates) the history database at `path`; never throws for a damaged file, only for an unusable directory. */
export function openDatabase(path: string, logger: Logger, now: () => Date = () => new Date(), repair = true): OpenedDatabase {
  mkdirSync(dirname(path), { recursive: true });
  try {
    return openChecked(path);
  } catch (err) {
    if (!repair) throw new HistoryCorruptError(`history database ${path} cannot be used (${errorMessage(err)}); the controller repairs it at its next start`, { cause: err });
    const stamp = now().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const movedAside = moveAside(path, stamp);
    const error = new HistoryCorruptError(`history database ${path} is damaged (${errorMessage(err)}); moved to ${movedAside} and starting a fresh one`, { cause: err });
    logger.error(error.message, { event: 'history.corrupt', path, moved_to: movedAside, error: { code: error.code, message: error.message } });
    return { db: openChecked(path).db, fresh: true, movedAside };
  }
}
