// After the load: what the drill container holds, counted exactly with the same collectors the dump used
// (@baqup/dump checks/), compared with the manifest (compare.ts).
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BackupManifest, Compression, Secret, TargetConfig } from '@baqup/core';
import type { DockerClient } from '@baqup/docker';
import {
  countTar,
  mongoCounts,
  mysqlClients,
  mysqlRowCounts,
  openFile,
  pgConnection,
  pgDatabases,
  pgRowCounts,
  redisKeyspace,
  sqliteFileChecks,
  type CheckRun,
} from '@baqup/dump';
import { openDecompressed } from '@baqup/restore';
import { compareDatabases, compareFiles, compareKeyspace, compareTables, merge, type Comparison } from './compare.js';

export interface VerifyContext {
  docker: DockerClient;
  id: string;
  name: string;
  target: TargetConfig;
  password?: Secret;
  manifest: BackupManifest;
  /** The verified local backup file, and its compression. */
  file: string;
  compression: Compression;
  tmpDir: string;
  signal: AbortSignal;
}

async function hasTool(v: VerifyContext, tools: string[]): Promise<string | undefined> {
  const script = 'for t in "$@"; do if command -v "$t" >/dev/null 2>&1; then echo "$t"; exit 0; fi; done; exit 127';
  const r = await v.docker.execToCompletion(v.id, ['sh', '-c', script, 'baqup-find-tool', ...tools], { signal: v.signal }).catch(() => undefined);
  return r?.exitCode === 0 ? r.stdout.trim() || undefined : undefined;
}

export interface Verification extends Comparison {
  notChecked: string[];
}

export async function verifyRestored(v: VerifyContext): Promise<Verification> {
  const run: CheckRun = (argv, env) => v.docker.execToCompletion(v.id, argv, { ...(env ? { env } : {}), signal: v.signal, maxBytes: 8 * 1024 * 1024 });
  const checks = v.manifest.checks;
  const notChecked = [...(checks?.notes ?? [])];
  const done = (c: Comparison): Verification => ({ ...c, notChecked });
  switch (v.target.type) {
    case 'postgres': {
      const conn = pgConnection(v.target);
      const present = new Set(await pgDatabases(run, conn, v.password));
      const wanted = Object.keys(checks?.databases ?? {}).length > 0 ? Object.keys(checks!.databases!) : (v.manifest.databases ?? []);
      const missing = wanted.filter((d) => !present.has(d));
      const exists: Comparison = { checked: wanted.filter((d) => present.has(d)).map((d) => `database ${d} exists`), problems: missing.map((d) => `database ${d} is missing after the restore`) };
      if (!checks?.databases) return done(merge(exists, withNote(notChecked, 'row counts')));
      const actual = await pgRowCounts(run, conn, wanted.filter((d) => present.has(d)), Infinity, v.password);
      const expected = Object.fromEntries(Object.entries(checks.databases).filter(([d]) => present.has(d)));
      return done(merge(exists, compareDatabases(expected, actual)));
    }
    case 'mariadb':
    case 'mysql': {
      const client = await hasTool(v, mysqlClients(v.target.type));
      if (!client) return done({ checked: [], problems: [`none of ${mysqlClients(v.target.type).join(', ')} in the drill container`] });
      if (!checks?.databases) return done(withNote(notChecked, 'row counts'));
      const actual = await mysqlRowCounts(run, client, v.target, 'all', Infinity, v.password);
      const c = compareDatabases(checks.databases, actual);
      return done({ ...c, checked: [...Object.keys(checks.databases).filter((d) => d in actual).map((d) => `database ${d} exists`), ...c.checked] });
    }
    case 'redis': {
      if (!checks?.keyspace) return done(withNote(notChecked, 'key counts'));
      return done(compareKeyspace(checks.keyspace, await redisKeyspace(run, v.target, v.password)));
    }
    case 'sqlite': {
      // The restored file read back out of the drill container (never started) and checked on the host.
      const db = v.target.path ?? '';
      const local = join(v.tmpDir, 'drill-readback.db');
      const file = await openFile({ docker: v.docker, containerId: v.id, containerName: v.name, signal: v.signal }, db);
      await pipeline(file.stream, createWriteStream(local));
      const { integrity, tables } = sqliteFileChecks(local);
      const ic: Comparison = integrity === 'ok' ? { checked: ['PRAGMA integrity_check: ok'], problems: [] } : { checked: [], problems: [`PRAGMA integrity_check says: ${integrity.split('\n').slice(0, 5).join('; ')}`] };
      if (!checks?.tables) return done(merge(ic, withNote(notChecked, 'row counts')));
      return done(merge(ic, integrity === 'ok' ? compareTables(checks.tables, tables) : { checked: [], problems: [] }));
    }
    case 'fs': {
      const path = v.target.path ?? '/';
      const there = await v.docker.statPath(v.id, path, v.signal);
      const ex: Comparison = there ? { checked: [`${path} extracted in the drill container`], problems: [] } : { checked: [], problems: [`${path} is not there after the extraction`] };
      const counted = await countTar(openDecompressed(v.file, v.compression, v.signal));
      const whole: Comparison = { checked: ['the whole archive reads'], problems: [] };
      if (!checks?.files) return done(merge(ex, whole, withNote(notChecked, 'file count')));
      return done(merge(ex, whole, compareFiles(checks.files, counted)));
    }
    case 'mongo': {
      if (!checks?.databases) return done(withNote(notChecked, 'document counts'));
      return done(compareDatabases(checks.databases, await mongoCounts(run, v.target, 'all', Infinity, v.password)));
    }
  }
}

function withNote(notChecked: string[], what: string): Comparison {
  if (!notChecked.some((n) => n.startsWith(what))) notChecked.push(`${what}: not recorded in the manifest (a backup taken before drills, or not countable)`);
  return { checked: [], problems: [] };
}
