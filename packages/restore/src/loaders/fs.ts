// Filesystem: the tar (entries under basename(path)/) is put in place in three steps, through the archive API
// only, so that no interruption ever leaves a half-written file under a name the app reads:
//   1. stage: the whole archive is extracted into a hidden directory inside the target, `path/.baqup-restore/`
//      (inside, not beside it: `path` is often a volume's mount point, and hardlinks cannot cross file systems).
//      The app's files are not touched, so this runs with the container running; a full disk fails here, before
//      anything was replaced.
//   2. swap (with the container stopped only with `backup.stop=true`, as for the backup): the archive once more,
//      every file entry turned into a hardlink to its staged copy (Docker's extraction removes the old name and
//      links the new one: one entry, no data streamed), directories and symlinks as they are, in the archive's order.
//   3. drop: one entry replaces the staging directory with an empty file (Docker removes the directory to put a
//      file there; the restored names keep their inodes), which `rm` then removes when the container runs.
// Each entry is re-checked by the guard in both passes (the whole archive was scanned before anything was touched).
// An interrupted swap leaves each file whole, the old one or the new one. The staging name is fixed, so a restore
// killed before step 3 (SIGKILL, a second Ctrl-C) leaves a directory the next restore of the target finds and drops
// first. Extraction adds and overwrites; files
// created since the backup stay. A target path that does not exist yet is extracted into its parent directly.
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { errorCode, errorMessage } from '@baqup/core';
import { retar } from '@baqup/dump';
import { openDecompressed } from '../content.js';
import { RestoreFailedError, RestoreRefusedError, UnsafeArchiveError } from '../errors.js';
import { guardTar } from '../tar-safety.js';
import type { Loader, LoadContext } from './context.js';

/** The staging directory's name inside the target path. */
export const FS_STAGING = '.baqup-restore';

interface Layout {
  /** The target path, normalized (no trailing slash). */
  root: string;
  /** Its parent: where the archive's entries (`basename(root)/…`) are extracted. */
  parent: string;
  /** The staging directory's name inside `root`. */
  temp: string;
}

/** Where an entry named for extraction into `parent` lands, relative to `root` ('' for root itself). */
function relOf(l: Layout, name: string): string {
  return posix.relative(l.root, posix.join(l.parent, name));
}

/** The entry renamed into the staging directory, for extraction into `root`. */
export function stagedName(l: Layout, name: string): string {
  const rel = relOf(l, name);
  return rel === '' ? l.temp : `${l.temp}/${rel}`;
}

/** A file entry's hardlink to its staged copy; the linkname is relative to `parent`, as Docker resolves it. */
export function swapHeader(l: Layout, header: tar.Header): tar.Header {
  const rel = relOf(l, header.name);
  return { ...header, type: 'link', linkname: posix.relative(l.parent, posix.join(l.root, l.temp, rel)), size: 0 };
}

const why = errorMessage;

/** Step 3: the staging directory becomes an empty file, then is removed when the container runs. */
async function dropStaging(ctx: LoadContext, l: Layout): Promise<void> {
  const path = posix.join(l.root, l.temp);
  const pack = tar.pack();
  pack.entry({ name: l.temp, type: 'file', size: 0, mode: 0o600, mtime: new Date() }, Buffer.alloc(0));
  pack.finalize();
  const signal = AbortSignal.timeout(120_000);
  try {
    await ctx.docker.putArchive(ctx.containerId, l.root, pack as unknown as Readable, signal);
  } catch (err) {
    ctx.logger.warn('restore left its staging directory in the container; remove it by hand', { container: ctx.containerName, path, error: { code: errorCode(err), message: errorMessage(err) } });
    ctx.note(`left the staging directory ${path} (${why(err)}): remove it by hand`);
    return;
  }
  const running = (await ctx.docker.inspect(ctx.containerId).catch(() => undefined))?.state.running ?? false;
  if (running) {
    const r = await ctx.docker.execToCompletion(ctx.containerId, ['rm', '-f', '--', path], { signal }).catch(() => undefined);
    if (r?.exitCode === 0) return;
  }
  ctx.logger.warn('restore left an empty temp file in the container; remove it when the container runs', { container: ctx.containerName, path });
  ctx.note(`left the empty file ${path} (${running ? 'rm failed' : 'the container is not running'}): remove it by hand`);
}

export const loadFs: Loader = async (ctx) => {
  const path = ctx.target.path;
  if (!path) throw new RestoreRefusedError(`fs target ${ctx.target.instance} has no path`);
  const root = posix.normalize(path).replace(/\/+$/, '') || '/';
  const l: Layout = { root, parent: posix.dirname(root), temp: FS_STAGING };
  const open = () => guardTar(openDecompressed(ctx.file, ctx.compression, ctx.signal), path);
  const failed = (step: string, err: unknown) =>
    err instanceof UnsafeArchiveError ? err : new RestoreFailedError(`${step} in container ${ctx.containerName} failed: ${why(err)}`, { cause: err });
  if (!(await ctx.docker.statPath(ctx.containerId, root, ctx.signal))) {
    // Nothing there to replace: extracted straight into the parent, which creates it.
    try {
      await ctx.docker.putArchive(ctx.containerId, l.parent, open(), ctx.signal);
    } catch (err) {
      throw failed(`extracting into ${l.parent}`, err);
    }
    ctx.note(`${root} did not exist: extracted into ${l.parent}, which created it`);
    return;
  }
  if (await ctx.docker.statPath(ctx.containerId, posix.join(root, l.temp), ctx.signal)) {
    ctx.logger.warn('an interrupted restore left its staging directory; removing it first', { container: ctx.containerName, path: posix.join(root, l.temp) });
    await dropStaging(ctx, l);
  }
  let swapped = false;
  try {
    try {
      await ctx.docker.putArchive(ctx.containerId, root, retar(open(), (h) => ({ header: { ...h, name: stagedName(l, h.name) } })), ctx.signal);
    } catch (err) {
      throw failed(`staging the files in ${posix.join(root, l.temp)} (nothing was replaced)`, err);
    }
    const release = ctx.stop ? await ctx.holds.hold(ctx.containerId, ctx.containerName) : async () => {};
    try {
      await ctx.docker.putArchive(ctx.containerId, l.parent, retar(open(), (h) => ((h.type ?? 'file') === 'file' ? { header: swapHeader(l, h), drop: true } : 'keep')), ctx.signal);
      swapped = true;
    } catch (err) {
      throw failed(`putting the staged files in place in ${root} (each file is the old one or the new one)`, err);
    } finally {
      await release();
    }
  } finally {
    await dropStaging(ctx, l);
  }
  ctx.note(
    `staged in ${posix.join(root, l.temp)}, then put in place${swapped && ctx.stop ? ' with the container stopped (backup.stop=true)' : ' with the container running (backup.stop is false)'}; files created since the backup were left in place`,
  );
};
