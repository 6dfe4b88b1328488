// PostgreSQL: the SQL script (pg_dumpall --clean, or roles + pg_dump --create --clean per database) through psql,
// with the command the engine module defines (pgRestoreArgv: the database it first connects to is never one the
// script drops first, so an in-place restore of `postgres` works). Sessions on the databases being replaced are
// ended first (DROP DATABASE fails while anyone is connected). The roles section runs on past the errors every
// restore over a live cluster produces (`role "x" already exists`); from the first database part on, psql stops at
// the first error (ON_ERROR_STOP, injected by pgRestoreScript), and stderr is still read for unexpected errors.
import { pgConnection, pgRestoreArgv, pgRestoreScript, pgTerminateArgv } from '@baqup/dump';
import { redact } from '@baqup/core';
import { openDecompressed } from '../content.js';
import { RestoreFailedError, RestoreRefusedError } from '../errors.js';
import type { Loader, LoadContext } from './context.js';
import { execWithStdin, runOk } from './exec-stdin.js';

/** Errors a restore over a live cluster always produces, harmless (the object is there, or is us). */
const EXPECTED = [/role "[^"]+" already exists/, /current user cannot be dropped/];

export function unexpectedErrors(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l) => /\bERROR:/.test(l) && !EXPECTED.some((re) => re.test(l)))
    .map((l) => l.trim());
}

function env(ctx: LoadContext, conn: string[]) {
  return { PGCONNECT_TIMEOUT: '15', ...(ctx.password && conn.includes('-h') ? { PGPASSWORD: ctx.password } : {}) };
}

/**
 * How psql reaches the server. The dump's ALTER ROLE lines set the backed-up cluster's passwords, and every
 * `\connect` in the script logs in again: over TCP with this container's password that fails midway as soon as the
 * dump gives the connecting role another one (a restore --into a container made with a different password). The
 * local socket (trusted in the official image) does not depend on the password: use it when it lets us in without one.
 */
async function connection(ctx: LoadContext): Promise<string[]> {
  const tcp = pgConnection(ctx.target);
  if (!tcp.includes('-h')) return tcp;
  const socket = ['-U', ctx.target.username ?? 'postgres'];
  const probe = await ctx.docker.execToCompletion(ctx.containerId, ['psql', '-X', '-A', '-t', '-w', ...socket, '-d', 'template1', '-c', 'SELECT 1'], {
    env: { PGCONNECT_TIMEOUT: '15' },
    signal: ctx.signal,
  });
  return probe.exitCode === 0 && probe.stdout.trim() === '1' ? socket : tcp;
}

export const loadPostgres: Loader = async (ctx) => {
  if (!ctx.running) throw new RestoreRefusedError(`container ${ctx.containerName} is not running; start it so psql can load the dump`);
  const kind = ctx.format?.includes('cluster') ? 'cluster' : 'databases';
  const dbs = ctx.manifest?.databases ?? [];
  const conn = await connection(ctx);
  const ended = await runOk(ctx, pgTerminateArgv(conn, kind === 'cluster' ? [] : dbs), env(ctx, conn));
  if (Number(ended.trim()) > 0) ctx.note(`ended ${ended.trim()} open session(s) on the databases being replaced`);
  const argv = pgRestoreArgv(conn, kind, dbs);
  const run = await execWithStdin(ctx, argv, env(ctx, conn), pgRestoreScript(openDecompressed(ctx.file, ctx.compression, ctx.signal)));
  const secrets = ctx.password ? [ctx.password] : [];
  const errors = unexpectedErrors(run.stderr).map((l) => redact(l, secrets));
  if (run.exitCode !== 0 || errors.length > 0) {
    const shown = errors.slice(0, 5).join('\n  ') || redact(run.stderr.trim().split('\n').slice(-5).join('\n  '), secrets);
    throw new RestoreFailedError(`psql exited with code ${run.exitCode} and ${errors.length} unexpected error(s) while loading the dump (it stops at the first one); the databases may be partly restored:\n  ${shown}`);
  }
  const expected = run.stderr.split('\n').filter((l) => /\bERROR:/.test(l)).length;
  ctx.note(`psql loaded the dump connected to ${argv.at(-1)}${expected > 0 ? ` (${expected} expected error(s) such as "role already exists" ignored)` : ''}`);
};
