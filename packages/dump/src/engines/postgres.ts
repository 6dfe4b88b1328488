// PostgreSQL: pg_dumpall for `databases=all`, else roles + one `pg_dump --create --clean --if-exists` per
// database concatenated into one SQL script. Both restore with a single `psql -d postgres` into a fresh container
// of the same image (see docs/engines.md). The password travels in PGPASSWORD (exec env), never argv.
//
// Connection: with a password configured we connect over TCP to 127.0.0.1:<port> inside the container, so the
// password is actually checked (the official image trusts the local socket, which would accept any password and
// hide a wrong one until the day it matters). Without a password, the local socket, like `docker exec pg_dumpall`.
import type { TargetConfig } from '@baqup/core';
import { concatStream, output, runOk, toolVersion, type ToolEnv } from '../tool.js';
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
    return {
      stream: concatStream(ctx, parts),
      extension: 'sql',
      databases: wanted === 'all' ? existing : wanted,
      toolVersions: { pg_dump: version },
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
    return {
      steps: [
        {
          action: 'exec',
          description: 'run the SQL script against the server',
          argv: ['psql', '-X', '-q', ...pgConnection(target), '-d', 'postgres'],
          env: envNames(target),
          stdin: true,
        },
      ],
      notes: [
        'The script drops and recreates each dumped database (--clean --if-exists): stop the apps using them first.',
        'Errors such as `role "postgres" already exists` are expected and harmless; psql continues past them.',
      ],
    };
  },
};
