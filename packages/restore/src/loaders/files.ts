// Single files into a container through the archive API: the decompressed backup in a host temp file (so the tar
// header can carry its size), written with the owner and mode of the file it replaces.
//
// A file is replaced in two steps so that no interruption can leave a half-written file under its name (a
// container started on a truncated database): the whole content goes first to a hidden temp name in the same
// directory (`.name.baqup-restore-<hex>`, while the app still runs on the old file), then one tiny archive makes
// `name` a hard link to it (Docker's extraction removes the old name and links the new one: one entry, done by the
// daemon, nothing streamed). The temp name is removed once the container runs again.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { openDecompressed } from '../content.js';
import { RestoreFailedError } from '../errors.js';
import type { LoadContext } from './context.js';

export interface Owner {
  uid: number;
  gid: number;
  mode: number;
}

/** Decompresses the backup into `ctx.tmpDir/name`; resolves the path and size. */
export async function decompressToTemp(ctx: LoadContext, name: string): Promise<{ path: string; size: number }> {
  const path = join(ctx.tmpDir, name);
  await pipeline(openDecompressed(ctx.file, ctx.compression, ctx.signal), createWriteStream(path));
  return { path, size: (await stat(path)).size };
}

/** uid/gid/mode of `path` in the container, from the archive API's tar header (only the header is read). */
export async function ownerOf(ctx: LoadContext, path: string): Promise<Owner | undefined> {
  if (!(await ctx.docker.statPath(ctx.containerId, path, ctx.signal))) return undefined;
  const archive = await ctx.docker.getArchive(ctx.containerId, path, ctx.signal);
  const extract = tar.extract();
  archive.on('error', (err) => extract.destroy(err));
  archive.pipe(extract);
  try {
    for await (const entry of extract) {
      const h = entry.header;
      entry.resume();
      return { uid: h.uid ?? 0, gid: h.gid ?? 0, mode: (h.mode ?? 0o644) & 0o7777 };
    }
    return undefined;
  } finally {
    archive.unpipe(extract);
    archive.destroy();
    extract.destroy();
  }
}

/** Writes `local` as `dir/name` in the container (replacing it), with `owner`'s uid/gid and a file mode. */
export async function putFile(ctx: LoadContext, dir: string, name: string, local: { path: string; size: number }, owner: Owner | undefined): Promise<void> {
  const pack = tar.pack();
  const header = {
    name,
    size: local.size,
    mode: owner ? owner.mode & 0o777 : 0o644,
    ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
    mtime: new Date(),
  };
  const written = new Promise<void>((resolve, reject) => {
    const done = (err?: Error | null) => (err ? reject(err) : resolve());
    if (local.size === 0) {
      pack.entry(header, Buffer.alloc(0), done);
      return;
    }
    const entry = pack.entry(header, done);
    // The entry is destroyed with the pack (an interrupted restore): its error is this write's, not the process's.
    entry.on('error', done);
    const body = createReadStream(local.path);
    body.on('error', (err) => entry.destroy(err));
    body.pipe(entry);
  }).then(() => pack.finalize());
  const target = posix.join(dir, name);
  try {
    await Promise.all([ctx.docker.putArchive(ctx.containerId, dir, pack as unknown as Readable, ctx.signal), written]);
  } catch (err) {
    throw new RestoreFailedError(`writing ${target} into container ${ctx.containerName} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

export interface StagedFile {
  dir: string;
  name: string;
  /** The hidden temp name beside it, holding the full new content. */
  temp: string;
  size: number;
}

/** Step 1: the full content under a hidden temp name in `dir` (the file it will replace is not touched). */
export async function stageFile(ctx: LoadContext, dir: string, name: string, local: { path: string; size: number }, owner: Owner | undefined): Promise<StagedFile> {
  const staged = { dir, name, temp: `.${name}.baqup-restore-${randomBytes(6).toString('hex')}`, size: local.size };
  try {
    await putFile(ctx, dir, staged.temp, local, owner);
  } catch (err) {
    await dropStaged(ctx, staged).catch(() => false);
    throw err;
  }
  return staged;
}

/**
 * Step 2, with the container stopped: one archive that empties `empty` (names in the same dir, e.g. a stale -wal)
 * and then makes `name` a hard link to the staged temp file.
 */
export async function swapIn(ctx: LoadContext, staged: StagedFile, empty: { name: string; owner: Owner }[] = []): Promise<void> {
  const pack = tar.pack();
  for (const e of empty) pack.entry({ name: e.name, size: 0, mode: e.owner.mode & 0o777, uid: e.owner.uid, gid: e.owner.gid, mtime: new Date() }, Buffer.alloc(0));
  pack.entry({ name: staged.name, type: 'link', linkname: staged.temp, size: 0, mtime: new Date() });
  pack.finalize();
  try {
    await ctx.docker.putArchive(ctx.containerId, staged.dir, pack as unknown as Readable, ctx.signal);
  } catch (err) {
    throw new RestoreFailedError(`putting ${posix.join(staged.dir, staged.name)} in place in container ${ctx.containerName} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** Removes the temp name (a second link to the restored file, or the unused copy after a failure); needs a running container. */
export async function dropStaged(ctx: LoadContext, staged: StagedFile): Promise<boolean> {
  const path = posix.join(staged.dir, staged.temp);
  const running = (await ctx.docker.inspect(ctx.containerId).catch(() => undefined))?.state.running ?? false;
  if (running) {
    const r = await ctx.docker.execToCompletion(ctx.containerId, ['rm', '-f', '--', path], { signal: AbortSignal.timeout(30_000) }).catch(() => undefined);
    if (r?.exitCode === 0) return true;
  }
  ctx.logger.warn('restore left a temp file in the container; remove it when the container runs', { container: ctx.containerName, path });
  ctx.note(`left ${path} (${running ? 'rm failed' : 'the container is not running'}): remove it by hand`);
  return false;
}
