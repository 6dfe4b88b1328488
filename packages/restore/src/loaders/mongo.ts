// MongoDB: `mongorestore --archive --drop` fed the archive on stdin; the password in a 0600 config file, as the
// dump does. UNTESTED HERE: there are no MongoDB tools in Debian, so no e2e test covers this loader.
import { randomBytes } from 'node:crypto';
import { mongorestoreArgv, writeFile } from '@baqup/dump';
import { execFailure } from '@baqup/docker';
import { openDecompressed } from '../content.js';
import { RestoreFailedError, RestoreRefusedError } from '../errors.js';
import type { Loader } from './context.js';
import { execWithStdin, findTool } from './exec-stdin.js';

export const loadMongo: Loader = async (ctx) => {
  if (!ctx.running) throw new RestoreRefusedError(`container ${ctx.containerName} is not running; start it so mongorestore can load the archive`);
  if (!(await findTool(ctx, ['mongorestore']))) throw new RestoreRefusedError(`mongorestore not found in container ${ctx.containerName}`);
  const t = ctx.target;
  let config: string | undefined;
  if (ctx.password) {
    const name = `baqup-${randomBytes(8).toString('hex')}.yaml`;
    config = `/tmp/${name}`;
    await writeFile({ docker: ctx.docker, containerId: ctx.containerId, containerName: ctx.containerName, signal: ctx.signal }, '/tmp', name, Buffer.from(`password: ${JSON.stringify(ctx.password.reveal())}\n`), 0o600);
  }
  const argv = mongorestoreArgv(t, config);
  try {
    const run = await execWithStdin(ctx, argv, {}, openDecompressed(ctx.file, ctx.compression, ctx.signal));
    if (run.exitCode !== 0) throw new RestoreFailedError(execFailure(argv, run.exitCode, run.stderr, ctx.password ? [ctx.password] : []).message);
    ctx.note('mongorestore loaded the archive (mongo restore is untested in baqup CI)');
  } finally {
    if (config) await ctx.docker.execToCompletion(ctx.containerId, ['rm', '-f', config], { signal: AbortSignal.timeout(30_000) }).catch(() => undefined);
  }
};
