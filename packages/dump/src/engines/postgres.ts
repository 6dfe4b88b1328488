// PostgreSQL: pg_dumpall for `databases=all`, else roles + one `pg_dump --create --clean --if-exists` per
// database concatenated into one SQL script. Both restore with a single `psql -d postgres` into a fresh container
// of the same image (see docs/engines.md). The password travels in PGPASSWORD (exec env), never argv.
//
// Connection: with a password configured we connect over TCP to 127.0.0.1:<port> inside the container, so the
// password is actually checked (the official image trusts the local socket, which would accept any password and
// hide a wrong one until the day it matters). Without a password, the local socket, like `docker exec pg_dumpall`.
import { Transform, type Readable } from 'node:stream';
import { DRILL_EXACT_ROW_LIMIT, type TargetConfig } from '@baqup/core';
import { collectChecks, ready } from '../checks/collect.js';
import { pgRowCounts } from '../checks/postgres.js';
import { concatStream, output, run, runOk, toolVersion, type ToolEnv } from '../tool.js';
import type { Engine, EngineContext, PlanStep, RestorePlan } from './types.js';

const IS_SUPERUSER = 'SELECT rolsuper FROM pg_roles WHERE rolname = current_user';
const LIST_DATABASES = 'SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname';

export function pgConnection(target: TargetConfig): string[] {
  const args = ['-U', target.username ?? 'postgres'];
  if (target.password) args.push('-h', '127.0.0.1', '-p', String(target.port ?? 5432));
  return args;
}

function env(ctx: EngineContext): ToolEnv {
  return { PGCONNECT_TIMEOUT: '15', ...(ctx.password ? { PGPASSWORD: ctx.password } : {}) };
}

function envNames(target: TargetConfig): string[] {
  return ['PGCONNECT_TIMEOUT', ...(target.password ? ['PGPASSWORD'] : [])];
}

export function pgDumpallArgv(target: TargetConfig): string[] {
  return ['pg_dumpall', ...pgConnection(target), '--clean', '--if-exists'];
}

/** Role passwords are in pg_authid, which only a superuser may read: others dump roles without them. */
export function pgRolesArgv(target: TargetConfig, superuser = true): string[] {
  return ['pg_dumpall', ...pgConnection(target), '--roles-only', ...(superuser ? [] : ['--no-role-passwords'])];
}

export function pgDumpArgv(target: TargetConfig, database: string): string[] {
  return ['pg_dump', ...pgConnection(target), '--create', '--clean', '--if-exists', '-d', database];
}

/**
 * The database psql first connects to for a restore: never the first one the script drops. A cluster dump
 * (pg_dumpall) drops template1 from `postgres` and `postgres` from template1, so it starts in `postgres`; a
 * per-database script (`pg_dump --create --clean`) starts with DROP DATABASE of its first database, so it starts
 * in template1 when that is `postgres` (the default POSTGRES_DB), else in `postgres`. Each later DROP DATABASE runs
 * connected to the database restored before it.
 */
export function pgRestoreDatabase(kind: 'cluster' | 'databases', databases: readonly string[]): string {
  if (kind === 'cluster') return 'postgres';
  return databases[0] === 'postgres' ? 'template1' : 'postgres';
}

/** psql for the restore script on stdin. `conn` is pgConnection's or the local socket (`-U user`). */
export function pgRestoreArgv(conn: readonly string[], kind: 'cluster' | 'databases', databases: readonly string[]): string[] {
  return ['psql', '-X', '-q', ...conn, '-d', pgRestoreDatabase(kind, databases)];
}

const pgLiteral = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Ends the client sessions on `databases` (all databases when empty), other than its own; prints the count. */
export function pgTerminateArgv(conn: readonly string[], databases: readonly string[]): string[] {
  const dbs = databases.filter((d) => !d.startsWith('template'));
  const where = dbs.length > 0 ? `datname IN (${dbs.map(pgLiteral).join(', ')})` : 'datname IS NOT NULL';
  return ['psql', '-X', '-A', '-t', ...conn, '-d', 'template1', '-c', `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE ${where} AND pid <> pg_backend_pid() AND backend_type = 'client backend'`];
}

/**
 * The line before which a restore script turns ON_ERROR_STOP on: the first database part (`pg_dump` output begins
 * with it). Above it are the roles, where `role "x" already exists` / `current user cannot be dropped` are
 * expected over a live cluster; below it any error is real, and psql stops at the first one.
 */
export const PG_DATABASE_PART = '-- PostgreSQL database dump';
export const PG_STOP_ON_ERROR = '\\set ON_ERROR_STOP on';

/** The restore script as it goes to psql: the dump with `\set ON_ERROR_STOP on` before its first database part. */
export function pgRestoreScript(dump: Readable): Readable {
  let carry = '';
  let injected = false;
  const marker = `\n${PG_DATABASE_PART}\n`;
  const out = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        if (injected) return cb(null, chunk);
        const text = carry + chunk.toString('latin1');
        const at = text.indexOf(marker);
        if (at >= 0) {
          injected = true;
          carry = '';
          return cb(null, Buffer.concat([Buffer.from(text.slice(0, at + 1), 'latin1'), Buffer.from(`${PG_STOP_ON_ERROR}\n`), Buffer.from(text.slice(at + 1), 'latin1')]));
        }
        // Keep what could be the start of the marker; pass the rest on.
        const keep = Math.min(text.length, marker.length - 1);
        carry = text.slice(text.length - keep);
        cb(null, Buffer.from(text.slice(0, text.length - keep), 'latin1'));
      },
      flush(cb) {
        cb(null, carry ? Buffer.from(carry, 'latin1') : undefined);
      },
  });
  dump.once('error', (err) => out.destroy(err));
  out.once('close', () => {
    if (!dump.readableEnded) dump.destroy();
  });
  return dump.pipe(out);
}

function listArgv(target: TargetConfig): string[] {
  return ['psql', '-X', '-A', '-t', ...pgConnection(target), '-d', 'postgres', '-c', IS_SUPERUSER, '-c', LIST_DATABASES];
}

export const postgres: Engine = {
  extension: 'sql',

  async dump(ctx) {
    const { target } = ctx;
    const version = await toolVersion(ctx, ['pg_dump', '--version']);
    // Also proves the credentials before any byte of dump is produced.
    const [superuser, ...existing] = (await runOk(ctx, listArgv(target), env(ctx))).split('\n').map((l) => l.trim()).filter(Boolean);
    const wanted = target.databases === undefined || target.databases === 'all' ? 'all' : target.databases;
    const parts =
      wanted === 'all'
        ? [() => output(ctx, pgDumpallArgv(target), env(ctx))]
        : [() => output(ctx, pgRolesArgv(target, superuser === 't'), env(ctx)), ...wanted.map((db) => () => output(ctx, pgDumpArgv(target, db), env(ctx)))];
    const databases = wanted === 'all' ? existing : wanted;
    // Counted just before the dump: an app writing meanwhile makes a drill report the tables that moved.
    const checks = await collectChecks('row counts', ctx.logger, async () => ({
      databases: await pgRowCounts((argv, e) => run(ctx, argv, e), pgConnection(target), databases, DRILL_EXACT_ROW_LIMIT, ctx.password),
    }));
    return {
      stream: concatStream(ctx, parts),
      extension: 'sql',
      databases,
      toolVersions: { pg_dump: version },
      checks: ready(checks),
    };
  },

  plan(target) {
    const e = envNames(target);
    const steps: PlanStep[] = [
      { action: 'exec', description: 'superuser? and the databases (checks the connection)', argv: listArgv(target), env: e },
    ];
    if (target.databases === undefined || target.databases === 'all') {
      steps.push({ action: 'exec-stream', description: 'dump the whole cluster', argv: pgDumpallArgv(target), env: e });
    } else {
      steps.push({ action: 'exec-stream', description: 'dump roles (without passwords unless superuser)', argv: pgRolesArgv(target), env: e });
      for (const db of target.databases) steps.push({ action: 'exec-stream', description: `dump database ${db}`, argv: pgDumpArgv(target, db), env: e });
    }
    return steps;
  },

  restore(target): RestorePlan {
    const e = envNames(target);
    const kind = target.databases === undefined || target.databases === 'all' ? 'cluster' : 'databases';
    const dbs = kind === 'cluster' || !Array.isArray(target.databases) ? [] : target.databases;
    const conn = pgConnection(target);
    return {
      steps: [
        {
          action: 'exec',
          description: 'end the other sessions on the databases being replaced (DROP DATABASE fails while anyone is connected)',
          argv: pgTerminateArgv(conn, dbs),
          env: e,
        },
        {
          action: 'exec',
          description: `run the SQL script, connected to ${pgRestoreDatabase(kind, dbs)} (never a database the script drops first); it stops at the first error after the roles`,
          argv: pgRestoreArgv(conn, kind, dbs),
          env: e,
          stdin: true,
        },
      ],
      notes: [
        'The script drops and recreates each dumped database (--clean --if-exists): stop the apps using them first.',
        'Errors such as `role "postgres" already exists` in the roles section are expected and harmless.',
        'Not one transaction: DROP/CREATE DATABASE cannot run inside one. The safety copy taken first is the rollback.',
      ],
    };
  },
};
