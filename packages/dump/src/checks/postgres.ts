// PostgreSQL row counts per database and table: count(*) for tables the planner estimates at or below `limit`
// rows (or has never estimated), pg_class.reltuples above it (a count(*) there is a full scan of a big table).
import type { RowCount, Secret } from '@baqup/core';
import { checkOutput, parseCountLines, type CheckRun } from './runner.js';

export function pgCountSql(limit: number): string {
  const lim = Number.isFinite(limit) ? String(Math.floor(limit)) : 'NULL';
  return [
    "SELECT format('%s.%s', n.nspname, c.relname),",
    `  CASE WHEN ${lim} IS NOT NULL AND c.reltuples > ${lim} THEN c.reltuples::bigint`,
    "  ELSE (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text::bigint END,",
    `  CASE WHEN ${lim} IS NOT NULL AND c.reltuples > ${lim} THEN 't' ELSE 'f' END`,
    'FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace',
    "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'",
    'ORDER BY 1',
  ].join('\n');
}

/** Row counts of every table of each database; `conn` is pgConnection's argv part, the password in PGPASSWORD. */
export async function pgRowCounts(
  run: CheckRun,
  conn: readonly string[],
  databases: readonly string[],
  limit: number,
  password?: Secret,
): Promise<Record<string, Record<string, RowCount>>> {
  const env = { PGCONNECT_TIMEOUT: '15', ...(password ? { PGPASSWORD: password } : {}) };
  const out: Record<string, Record<string, RowCount>> = {};
  for (const db of databases) {
    const text = await checkOutput(run, ['psql', '-X', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', ...conn, '-d', db, '-c', pgCountSql(limit)], env);
    out[db] = parseCountLines(text);
  }
  return out;
}

/** The databases a cluster holds that a restore would load (templates and those refusing connections left out). */
export async function pgDatabases(run: CheckRun, conn: readonly string[], password?: Secret): Promise<string[]> {
  const env = { PGCONNECT_TIMEOUT: '15', ...(password ? { PGPASSWORD: password } : {}) };
  const text = await checkOutput(run, ['psql', '-X', '-A', '-t', ...conn, '-d', 'postgres', '-c', 'SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname'], env);
  return text.split('\n').map((l) => l.trim()).filter(Boolean);
}
