// Row counts of a SQLite database copied cold out of a container without sqlite3: the copy is also written to a
// host temp file as it streams past (with backpressure) and counted there with better-sqlite3 once it ended.
// Only up to SQLITE_HOST_COUNT_LIMIT bytes: above that the counts are not recorded (a note says so).
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { errorMessage, type DrillChecks } from '@baqup/core';
import { sqliteFileChecks } from './sqlite.js';

export const SQLITE_HOST_COUNT_LIMIT = 256 * 1024 * 1024;

export async function sqliteCountingTap(): Promise<{ tap: Transform; checks: () => Promise<DrillChecks> }> {
  const dir = await mkdtemp(join(tmpdir(), 'baqup-sqlite-count-'));
  const path = join(dir, 'copy.db');
  const file = createWriteStream(path);
  let failed: string | undefined;
  file.on('error', (err) => (failed ??= err.message));
  const written = new Promise<void>((resolve) => file.once('close', () => resolve()));
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (failed || file.write(chunk)) return cb(null, chunk);
      file.once('drain', () => cb(null, chunk));
    },
    flush(cb) {
      file.end();
      cb();
    },
  });
  tap.once('close', () => {
    if (!tap.writableFinished) {
      failed ??= 'the copy ended early';
      file.destroy();
    }
  });
  const checks = async (): Promise<DrillChecks> => {
    try {
      await written;
      if (failed) return { notes: [`row counts not recorded at dump time: ${failed}`] };
      const r = sqliteFileChecks(path);
      return r.integrity === 'ok' ? { tables: r.tables } : { tables: r.tables, notes: [`integrity_check of the copy at dump time: ${r.integrity}`] };
    } catch (err) {
      return { notes: [`row counts not recorded at dump time: ${errorMessage(err)}`] };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  return { tap, checks };
}
