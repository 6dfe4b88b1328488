// What a restored backup holds against what its manifest recorded at dump time (pure). Row counts: exact ones must
// be equal; estimated ones (above DRILL_EXACT_ROW_LIMIT at dump time) within ±DRILL_ESTIMATE_TOLERANCE. Redis: each
// database's keys between `keys - expires` (keys with a TTL may have expired) and `keys`.
import { DRILL_ESTIMATE_TOLERANCE, type DrillChecks, type RowCount } from '@baqup/core';

export interface Comparison {
  /** What was checked and held, one line each, for the report. */
  checked: string[];
  /** What differs: the drill fails when this is not empty. */
  problems: string[];
}

function rowsMatch(expected: RowCount, actual: number): boolean {
  if (!expected.estimated) return expected.rows === actual;
  return Math.abs(actual - expected.rows) <= Math.max(1, expected.rows * DRILL_ESTIMATE_TOLERANCE);
}

export function compareDatabases(expected: NonNullable<DrillChecks['databases']>, actual: NonNullable<DrillChecks['databases']>): Comparison {
  const out: Comparison = { checked: [], problems: [] };
  for (const [db, tables] of Object.entries(expected)) {
    const got = actual[db];
    if (!got) {
      out.problems.push(`database ${db} is missing after the restore`);
      continue;
    }
    let ok = 0;
    for (const [table, count] of Object.entries(tables)) {
      const rows = got[table]?.rows;
      if (rows === undefined) out.problems.push(`table ${db}.${table} is missing after the restore`);
      else if (!rowsMatch(count, rows)) out.problems.push(`table ${db}.${table} has ${rows} rows, the manifest records ${count.estimated ? `about ${count.rows} (estimated)` : count.rows}`);
      else ok++;
    }
    out.checked.push(`database ${db}: ${ok} of ${Object.keys(tables).length} table row counts equal`);
  }
  return out;
}

export function compareKeyspace(expected: NonNullable<DrillChecks['keyspace']>, actual: NonNullable<DrillChecks['keyspace']>): Comparison {
  const out: Comparison = { checked: [], problems: [] };
  for (const [db, want] of Object.entries(expected)) {
    const keys = actual[db]?.keys ?? 0;
    if (keys > want.keys || keys < want.keys - want.expires) {
      out.problems.push(`redis ${db} has ${keys} keys, the manifest records ${want.keys}${want.expires ? ` (${want.expires} with a TTL)` : ''}`);
    } else out.checked.push(`redis ${db}: ${keys} keys`);
  }
  for (const db of Object.keys(actual)) if (!(db in expected) && (actual[db]?.keys ?? 0) > 0) out.problems.push(`redis ${db} holds ${actual[db]!.keys} keys the manifest does not record`);
  return out;
}

export function compareTables(expected: Record<string, number>, actual: Record<string, number>): Comparison {
  const out: Comparison = { checked: [], problems: [] };
  for (const [table, rows] of Object.entries(expected)) {
    const got = actual[table];
    if (got === undefined) out.problems.push(`table ${table} is missing after the restore`);
    else if (got !== rows) out.problems.push(`table ${table} has ${got} rows, the manifest records ${rows}`);
  }
  if (out.problems.length === 0) out.checked.push(`${Object.keys(expected).length} table row counts equal`);
  return out;
}

export function compareFiles(expected: { count: number; bytes: number }, actual: { count: number; bytes: number }): Comparison {
  if (expected.count === actual.count && expected.bytes === actual.bytes) return { checked: [`${actual.count} files, ${actual.bytes} bytes`], problems: [] };
  return { checked: [], problems: [`the archive holds ${actual.count} files (${actual.bytes} bytes), the manifest records ${expected.count} files (${expected.bytes} bytes)`] };
}

export function merge(...parts: Comparison[]): Comparison {
  return { checked: parts.flatMap((p) => p.checked), problems: parts.flatMap((p) => p.problems) };
}
