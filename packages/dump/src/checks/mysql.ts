// MariaDB/MySQL row counts per database and table: information_schema lists the base tables with the engine's
// estimate (InnoDB's table_rows is approximate); tables estimated at or below `limit` are counted exactly with
// COUNT(*), larger ones keep the estimate. The password travels in MYSQL_PWD.
import type { RowCount, Secret, TargetConfig } from '@baqup/core';
import { checkOutput, type CheckRun } from './runner.js';

export const MYSQL_SYSTEM_SCHEMAS = ['mysql', 'information_schema', 'performance_schema', 'sys'];
const quoteId = (s: string) => `\`${s.replaceAll('`', '``')}\``;
const quoteStr = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;

export async function mysqlRowCounts(
  run: CheckRun,
  client: string,
  target: TargetConfig,
  databases: readonly string[] | 'all',
  limit: number,
  password?: Secret,
): Promise<Record<string, Record<string, RowCount>>> {
  const env: Record<string, Secret> = password ? { MYSQL_PWD: password } : {};
  const base = [client, `--user=${target.username ?? 'root'}`, '--batch', '--skip-column-names'];
  const where = databases === 'all' ? `table_schema NOT IN (${MYSQL_SYSTEM_SCHEMAS.map(quoteStr).join(', ')})` : `table_schema IN (${databases.map(quoteStr).join(', ') || "''"})`;
  const list = await checkOutput(run, [...base, '-e', `SELECT table_schema, table_name, COALESCE(table_rows, 0) FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND ${where} ORDER BY 1, 2`], env);
  const out: Record<string, Record<string, RowCount>> = {};
  if (databases !== 'all') for (const db of databases) out[db] = {};
  const exact: { db: string; table: string }[] = [];
  for (const line of list.split('\n')) {
    const [db, table, estimate] = line.split('\t');
    if (!db || !table) continue;
    out[db] ??= {};
    if (Number.isFinite(limit) && Number(estimate) > limit) out[db][table] = { rows: Number(estimate), estimated: true };
    else exact.push({ db, table });
  }
  // Also lists the databases that exist but hold no table.
  if (databases === 'all') {
    const schemas = await checkOutput(run, [...base, '-e', `SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN (${MYSQL_SYSTEM_SCHEMAS.map(quoteStr).join(', ')})`], env);
    for (const s of schemas.split('\n').map((l) => l.trim()).filter(Boolean)) out[s] ??= {};
  }
  for (let i = 0; i < exact.length; i += 100) {
    const part = exact.slice(i, i + 100);
    const sql = part.map((t) => `SELECT ${quoteStr(t.db)}, ${quoteStr(t.table)}, COUNT(*) FROM ${quoteId(t.db)}.${quoteId(t.table)}`).join(' UNION ALL ');
    for (const line of (await checkOutput(run, [...base, '-e', sql], env)).split('\n')) {
      const [db, table, rows] = line.split('\t');
      if (db && table && out[db]) out[db][table] = { rows: Number(rows) };
    }
  }
  return out;
}
