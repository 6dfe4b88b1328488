// Drains a stream into a new temporary file, hashing while writing (no second read) and fsyncing
// before it counts as written. Tells input failures from write failures, since they mean different
// things (dump failed vs disk full).
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { removeQuietly } from './fs-atomic.js';
import { toInputError, toWriteError } from './errors.js';

export interface WrittenFile {
  size: number;
  sha256: string;
}

/** Writes all of `input` to `path` (created exclusively, mode 0600); on any failure the file is removed and the input destroyed. */
export async function writeTemp(input: Readable, path: string): Promise<WrittenFile> {
  const hash = createHash('sha256');
  let size = 0;
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (err) {
    input.destroy();
    throw toWriteError(path, err);
  }
  const iterator = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  try {
    for (;;) {
      let next: IteratorResult<Buffer | string>;
      try {
        next = await iterator.next();
      } catch (err) {
        throw toInputError(err);
      }
      if (next.done) break;
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      hash.update(chunk);
      size += chunk.length;
      try {
        await writeAll(handle, chunk);
      } catch (err) {
        // Stop the producer: destroying the input ends the compressor and, through it, the dump.
        await iterator.return?.();
        input.destroy();
        throw toWriteError(path, err);
      }
    }
    try {
      await handle.sync();
    } catch (err) {
      throw toWriteError(path, err);
    }
  } catch (err) {
    await handle.close().catch(() => undefined);
    await removeQuietly(path);
    throw err;
  }
  try {
    await handle.close();
  } catch (err) {
    await removeQuietly(path);
    throw toWriteError(path, err);
  }
  return { size, sha256: hash.digest('hex') };
}

async function writeAll(handle: FileHandle, chunk: Buffer): Promise<void> {
  let offset = 0;
  while (offset < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
    offset += bytesWritten;
  }
}
