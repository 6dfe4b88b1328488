// Filesystem: the tar (entries under basename(path)/) extracted into dirname(path) through the archive API,
// re-checked entry by entry while it streams (the whole archive was scanned before anything was touched). The
// container is stopped only with `backup.stop=true`, as for the backup. Extraction adds and overwrites; files
// created since the backup stay.
import { posix } from 'node:path';
import { openDecompressed } from '../content.js';
import { RestoreFailedError, RestoreRefusedError, UnsafeArchiveError } from '../errors.js';
import { guardTar } from '../tar-safety.js';
import type { Loader } from './context.js';

export const loadFs: Loader = async (ctx) => {
  const path = ctx.target.path;
  if (!path) throw new RestoreRefusedError(`fs target ${ctx.target.instance} has no path`);
  const parent = posix.dirname(posix.normalize(path).replace(/\/+$/, '') || '/');
  const release = ctx.stop ? await ctx.holds.hold(ctx.containerId, ctx.containerName) : async () => {};
  try {
    await ctx.docker.putArchive(ctx.containerId, parent, guardTar(openDecompressed(ctx.file, ctx.compression, ctx.signal), path), ctx.signal);
  } catch (err) {
    if (err instanceof UnsafeArchiveError) throw err;
    throw new RestoreFailedError(`extracting into ${parent} in container ${ctx.containerName} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  } finally {
    await release();
  }
  ctx.note(`extracted into ${parent}${ctx.stop ? ' with the container stopped (backup.stop=true)' : ' with the container running (backup.stop is false)'}; files created since the backup were left in place`);
};
