// Single files into a container through the archive API: the decompressed backup in a host temp file (so the tar
// header can carry its size), written with the owner and mode of the file it replaces.
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

/** An empty file in place of `dir/name` (stale SQLite WAL/SHM), same owner. */
export async function truncateFile(ctx: LoadContext, path: string): Promise<boolean> {
  const owner = await ownerOf(ctx, path);
  if (!owner) return false;
  await putFile(ctx, posix.dirname(path), posix.basename(path), { path: '', size: 0 }, owner);
  return true;
}
