// SQLite row counts: with the sqlite3 binary in a container (on the online-backup copy at dump time), or on the
// host with better-sqlite3 on a local copy of the file (a container without sqlite3).
import Database from 'better-sqlite3';
import { checkOutput, type CheckRun } from './runner.js';

const TABLES = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";
const quoteId = (s: string) => `"${s.replaceAll('"', '""')}"`;
const quoteStr = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Row counts through `sqlite3` in a container (read-only). */
export async function sqliteRowCounts(run: CheckRun, db: string): Promise<Record<string, number>> {
  const names = (await checkOutput(run, ['sqlite3', '-readonly', '-batch', '-noheader', db, TABLES])).split('\n').map((l) => l.trim()).filter(Boolean);
  const out: Record<string, number> = {};
  for (let i = 0; i < names.length; i += 100) {
    const part = names.slice(i, i + 100);
    const sql = part.map((n) => `SELECT ${quoteStr(n)}, count(*) FROM ${quoteId(n)}`).join(' UNION ALL ');
    const text = await checkOutput(run, ['sqlite3', '-readonly', '-batch', '-noheader', '-separator', '\t', db, sql]);
    for (const line of text.split('\n')) {
      const at = line.lastIndexOf('\t');
      if (at > 0) out[line.slice(0, at)] = Number(line.slice(at + 1));
    }
  }
  return out;
}

/** Integrity check and row counts of a local database file, read-only, on the host. */
export function sqliteFileChecks(path: string): { integrity: string; tables: Record<string, number> } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
    const tables: Record<string, number> = {};
    for (const { name } of db.prepare(TABLES).all() as { name: string }[]) {
      tables[name] = (db.prepare(`SELECT count(*) AS n FROM ${quoteId(name)}`).get() as { n: number }).n;
    }
    return { integrity, tables };
  } finally {
    db.close();
  }
}
