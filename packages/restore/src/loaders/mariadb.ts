// MariaDB/MySQL: the SQL dump through the client on stdin (mysqlRestoreArgv, the engine module's command; it stops at
// the first error and exits non-zero). Not one transaction: DDL commits implicitly; the safety copy is the rollback.
// The password travels in MYSQL_PWD (exec env), never argv.
import type { Secret } from '@baqup/core';
import { execFailure } from '@baqup/docker';
import { mysqlClients, mysqlRestoreArgv } from '@baqup/dump';
import { openDecompressed } from '../content.js';
import { RestoreFailedError, RestoreRefusedError } from '../errors.js';
import type { Loader } from './context.js';
import { execWithStdin, findTool } from './exec-stdin.js';

export function mysqlLoader(flavour: 'mariadb' | 'mysql'): Loader {
  return async (ctx) => {
    if (!ctx.running) throw new RestoreRefusedError(`container ${ctx.containerName} is not running; start it so the client can load the dump`);
    const clients = mysqlClients(flavour);
    const client = await findTool(ctx, clients);
    if (!client) throw new RestoreRefusedError(`none of ${clients.join(', ')} found in container ${ctx.containerName}`);
    const argv = mysqlRestoreArgv(client, ctx.target);
    const env: Record<string, Secret> = ctx.password ? { MYSQL_PWD: ctx.password } : {};
    const run = await execWithStdin(ctx, argv, env, openDecompressed(ctx.file, ctx.compression, ctx.signal));
    if (run.exitCode !== 0) {
      const why = execFailure(argv, run.exitCode, run.stderr, ctx.password ? [ctx.password] : []).message;
      throw new RestoreFailedError(`${why}; the databases may be partly restored`);
    }
    ctx.note(`${client} loaded the dump`);
  };
}
