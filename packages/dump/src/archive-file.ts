// Single files in and out of a container through the archive API (which always speaks tar): the dump of a
// file-based engine (sqlite, redis RDB), password files, and small option files we write for a tool.
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { isSymlink, type DockerClient, type PathStat } from '@baqup/docker';
import { DumpFailedError, SourceMissingError } from './errors.js';
import { withRetry } from './retry.js';

export interface FileSource {
  docker: DockerClient;
  containerId: string;
  /** For messages. */
  containerName: string;
  signal?: AbortSignal;
}

/** Stat `path`, following symlinks (a Docker secret or `*_FILE` may be one); null when it does not exist. */
export async function statFollow(src: FileSource, path: string): Promise<(PathStat & { path: string }) | null> {
  let current = path;
  for (let depth = 0; depth < 8; depth++) {
    const stat = await withRetry(() => src.docker.statPath(src.containerId, current, src.signal), { signal: src.signal });
    if (!stat) return null;
    if (!isSymlink(stat)) return { ...stat, path: current };
    // The engine reports linkTarget already resolved to an absolute path inside the container.
    current = stat.linkTarget.startsWith('/') ? stat.linkTarget : posix.resolve(posix.dirname(current), stat.linkTarget);
  }
  throw new DumpFailedError(`too many symlinks resolving ${path} in container ${src.containerName}`);
}

/** The single regular file in a tar stream, chunk by chunk, pulled only as fast as the consumer reads. */
async function* fileFromTar(archive: Readable, what: string): AsyncGenerator<Buffer> {
  const extract = tar.extract();
  archive.on('error', (err) => extract.destroy(err));
  archive.pipe(extract);
  let seen = false;
  try {
    for await (const entry of extract) {
      if (seen || entry.header.type !== 'file') {
        entry.resume();
        throw new DumpFailedError(`${what} is not a single regular file (archive entry ${entry.header.name}, ${entry.header.type})`);
      }
      seen = true;
      let bytes = 0;
      for await (const chunk of entry as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        yield chunk;
      }
      // A short body would otherwise look like a small, complete file.
      if (bytes !== entry.header.size) throw new DumpFailedError(`${what}: read ${bytes} of ${entry.header.size} bytes`);
    }
    if (!seen) throw new DumpFailedError(`${what}: the archive held no file`);
  } finally {
    archive.unpipe(extract);
    archive.destroy();
  }
}

/** A stream of the content of the regular file at `path` (symlinks followed). Opening is retried; the stream is not. */
export async function openFile(src: FileSource, path: string): Promise<{ stream: Readable; size: number; path: string }> {
  const stat = await statFollow(src, path);
  if (!stat) throw new SourceMissingError(path, src.containerName);
  if (stat.isDirectory) throw new DumpFailedError(`${path} in container ${src.containerName} is a directory, not a file`);
  const archive = await withRetry(() => src.docker.getArchive(src.containerId, stat.path, src.signal), { signal: src.signal });
  const stream = Readable.from(fileFromTar(archive, `${stat.path} in container ${src.containerName}`), { objectMode: false });
  return { stream, size: stat.size, path: stat.path };
}

/** The whole content of a small file; throws when it is larger than `maxBytes`. */
export async function readSmallFile(src: FileSource, path: string, maxBytes: number): Promise<Buffer> {
  const { stream, size } = await openFile(src, path);
  if (size > maxBytes) {
    stream.destroy();
    throw new DumpFailedError(`${path} in container ${src.containerName} is ${size} bytes, more than the ${maxBytes} allowed`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      stream.destroy();
      throw new DumpFailedError(`${path} in container ${src.containerName} grew past ${maxBytes} bytes while read`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Write `content` as `dir/name` with `mode` (e.g. 0o600 for an option file holding a password). */
export async function writeFile(src: FileSource, dir: string, name: string, content: Buffer, mode: number): Promise<void> {
  await withRetry(
    () => {
      const pack = tar.pack();
      pack.entry({ name, size: content.length, mode, mtime: new Date() }, content);
      pack.finalize();
      return src.docker.putArchive(src.containerId, dir, pack as unknown as Readable, src.signal);
    },
    { signal: src.signal },
  );
}
