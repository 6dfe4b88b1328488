// MongoDB document counts per database and collection through mongosh (UNTESTED HERE: no MongoDB tools in Debian;
// written from mongosh's documented connect()/db.auth()/countDocuments()/estimatedDocumentCount()). The password
// reaches the script through the exec env (mongosh scripts read process.env), never argv.
import type { RowCount, Secret, TargetConfig } from '@baqup/core';
import { checkOutput, type CheckRun } from './runner.js';

export function mongoCountScript(target: TargetConfig, limit: number, databases: readonly string[] | 'all'): string {
  const lim = Number.isFinite(limit) ? limit : Number.MAX_SAFE_INTEGER;
  return [
    `const d0 = connect(${JSON.stringify(`mongodb://127.0.0.1:${target.port ?? 27017}/admin`)});`,
    target.username ? `d0.auth(${JSON.stringify(target.username)}, process.env.MONGO_CHECK_PASSWORD);` : '',
    `const wanted = ${JSON.stringify(databases)};`,
    'const out = {};',
    "for (const d of d0.adminCommand({ listDatabases: 1 }).databases) {",
    "  if (['admin', 'local', 'config'].includes(d.name) || (wanted !== 'all' && !wanted.includes(d.name))) continue;",
    '  const x = d0.getSiblingDB(d.name); out[d.name] = {};',
    "  for (const c of x.getCollectionNames()) { if (c.startsWith('system.')) continue;",
    `    const est = x.getCollection(c).estimatedDocumentCount(); out[d.name][c] = est > ${lim} ? { rows: est, estimated: true } : { rows: x.getCollection(c).countDocuments({}) }; }`,
    '}',
    'print(JSON.stringify(out));',
  ].filter(Boolean).join('\n');
}

export async function mongoCounts(run: CheckRun, target: TargetConfig, databases: readonly string[] | 'all', limit: number, password?: Secret): Promise<Record<string, Record<string, RowCount>>> {
  const text = await checkOutput(run, ['mongosh', '--nodb', '--quiet', '--eval', mongoCountScript(target, limit, databases)], password ? { MONGO_CHECK_PASSWORD: password } : {});
  const line = text.trim().split('\n').at(-1) ?? '{}';
  return JSON.parse(line) as Record<string, Record<string, RowCount>>;
}
