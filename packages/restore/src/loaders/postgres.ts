// PostgreSQL: the SQL script (pg_dumpall --clean, or roles + pg_dump --create --clean per database) through psql
// into the `postgres` database, as the engine's restorePlan says. Sessions on the databases being replaced are
// ended first (DROP DATABASE fails while anyone is connected). psql runs on past errors, so its stderr is read:
// the errors every restore over an existing cluster produces are expected; any other fails the restore.
import { redact } from '@baqup/core';
import { pgConnection } from '@baqup/dump';
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
  const probe = await ctx.docker.execToCompletion(ctx.containerId, ['psql', '-X', '-A', '-t', '-w', ...socket, '-d', 'postgres', '-c', 'SELECT 1'], {
    env: { PGCONNECT_TIMEOUT: '15' },
    signal: ctx.signal,
  });
  return probe.exitCode === 0 && probe.stdout.trim() === '1' ? socket : tcp;
}

const literal = (s: string) => `'${s.replaceAll("'", "''")}'`;

export const loadPostgres: Loader = async (ctx) => {
  if (!ctx.running) throw new RestoreRefusedError(`container ${ctx.containerName} is not running; start it so psql can load the dump`);
  const dbs = (ctx.manifest?.databases ?? []).filter((d) => !d.startsWith('template'));
  const where = dbs.length > 0 ? `datname IN (${dbs.map(literal).join(', ')})` : 'datname IS NOT NULL';
  const conn = await connection(ctx);
  const ended = await runOk(
    ctx,
    ['psql', '-X', '-A', '-t', ...conn, '-d', 'postgres', '-c', `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE ${where} AND pid <> pg_backend_pid() AND backend_type = 'client backend'`],
    env(ctx, conn),
  );
  if (Number(ended.trim()) > 0) ctx.note(`ended ${ended.trim()} open session(s) on the databases being replaced`);
  // restorePlan's command (what --dry-run shows) with the connection chosen above.
  const argv = ['psql', '-X', '-q', ...conn, '-d', 'postgres'];
  const run = await execWithStdin(ctx, argv, env(ctx, conn), openDecompressed(ctx.file, ctx.compression, ctx.signal));
  const secrets = ctx.password ? [ctx.password] : [];
  const errors = unexpectedErrors(run.stderr).map((l) => redact(l, secrets));
  if (run.exitCode !== 0 || errors.length > 0) {
    const shown = errors.slice(0, 5).join('\n  ') || redact(run.stderr.trim().split('\n').slice(-5).join('\n  '), secrets);
    throw new RestoreFailedError(`psql exited with code ${run.exitCode} and ${errors.length} unexpected error(s) while loading the dump; the databases may be partly restored:\n  ${shown}`);
  }
  const expected = run.stderr.split('\n').filter((l) => /\bERROR:/.test(l)).length;
  ctx.note(`psql loaded the dump${expected > 0 ? ` (${expected} expected error(s) such as "role already exists" ignored)` : ''}`);
};
