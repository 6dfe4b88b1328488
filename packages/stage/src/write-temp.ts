// Drains a stream into a new temporary file, hashing while writing (no second read) and fsyncing
// before it counts as written. Tells input failures from write failures, since they mean different
// things (dump failed vs disk full).
//
// Reading and writing overlap: while one write is in flight the next chunks are read and queued, then
// written together with one writev. Awaiting each chunk's write before reading the next would stall the
// source (the Docker socket, zstd's pipe) on every disk round trip: bench/throughput.mjs measured that.
import { createHash } from 'node:crypto';
import { open, statfs, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { removeQuietly } from './fs-atomic.js';
import { isNoSpace, toInputError, toWriteError } from './errors.js';

export interface WrittenFile {
  size: number;
  sha256: string;
}

/** Bytes queued behind the write in flight before reading pauses (memory bound: twice this). */
export const WRITE_BATCH_BYTES = 1024 * 1024;

/** Writes queued chunks in the background, one writev per batch; the first failure is kept for `idle()`. */
class BatchWriter {
  #queue: Buffer[] = [];
  #queued = 0;
  #running: Promise<void> | undefined;
  #error: { err: unknown } | undefined;

  constructor(private readonly handle: FileHandle) {}

  get backlog(): number {
    return this.#queued;
  }

  get failed(): boolean {
    return this.#error !== undefined;
  }

  push(chunk: Buffer): void {
    // After a failure nothing more is written (idle() reports it). This also keeps #drain() from finishing
    // synchronously inside `??=`: its `finally` would clear #running before the assignment stored a settled promise
    // that idle() then awaited forever in a microtask loop: 100 % CPU, the event loop starved (issue 12: full disk).
    if (this.#error) return;
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    this.#running ??= this.#drain();
  }

  /** Resolves once nothing is in flight; throws the write failure if there was one. */
  async idle(): Promise<void> {
    while (this.#running) {
      const running = this.#running;
      await running;
      if (this.#running === running) this.#running = undefined;
    }
    if (this.#error) throw this.#error.err;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0 && !this.#error) {
        const batch = this.#queue;
        this.#queue = [];
        this.#queued = 0;
        await writevAll(this.handle, batch);
      }
    } catch (err) {
      this.#error = { err };
    } finally {
      this.#running = undefined;
    }
  }
}

/** Writes all of `input` to `path` (created exclusively, mode 0600); on any failure the file is removed and the input destroyed. */
export async function writeTemp(input: Readable, path: string, onBytes?: (written: number) => void): Promise<WrittenFile> {
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
  const writer = new BatchWriter(handle);
  const writeFailed = async (err: unknown): Promise<never> => {
    // Stop the producer: destroying the input ends the compressor and, through it, the dump.
    input.destroy();
    await iterator.return?.();
    throw toWriteError(path, err, { written: size, free: await freeBytes(dirname(path)) });
  };
  try {
    for (;;) {
      let next: IteratorResult<Buffer | string>;
      try {
        next = await iterator.next();
      } catch (err) {
        await writer.idle().catch(() => undefined);
        throw toInputError(err);
      }
      if (next.done) break;
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      hash.update(chunk);
      size += chunk.length;
      onBytes?.(size);
      writer.push(chunk);
      if (writer.failed || writer.backlog >= WRITE_BATCH_BYTES) await writer.idle().catch(writeFailed);
    }
    await writer.idle().catch(writeFailed);
    try {
      await handle.sync();
    } catch (err) {
      throw toWriteError(path, err);
    }
  } catch (err) {
    await writer.idle().catch(() => undefined);
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

/** Bytes read per pread while following a file the compressor writes (one reused buffer: the memory bound). */
export const FOLLOW_READ_BYTES = 1024 * 1024;
/** How long the follower waits when it caught up with the writer. */
const FOLLOW_POLL_MS = 10;

/**
 * Lets `writeTo` (the compressor) write `path` itself, created exclusively with mode 0600, while the file is read
 * back as it grows into one reused buffer and hashed: the compressed bytes cross into Node once, with no per-chunk
 * allocation, and never through a pipe. fsynced before it counts as written; on any failure the file is removed
 * and `input` (the compressor's input) destroyed.
 */
export async function writeTempFrom(writeTo: (fd: number, signal: AbortSignal) => Promise<void>, input: Readable, path: string, onBytes?: (written: number) => void): Promise<WrittenFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'wx+', 0o600);
  } catch (err) {
    input.destroy();
    throw toWriteError(path, err);
  }
  const hash = createHash('sha256');
  const abort = new AbortController();
  let size = 0;
  let done = false;
  let wake: (() => void) | undefined;
  const writing = writeTo(handle.fd, abort.signal).finally(() => {
    done = true;
    wake?.();
  });
  writing.catch(() => undefined);
  try {
    const buffer = Buffer.allocUnsafe(FOLLOW_READ_BYTES);
    try {
      for (;;) {
        // Read after seeing `done`: once the writer has exited, a read that returns nothing is the end.
        const finished = done;
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, size);
        if (bytesRead > 0) {
          hash.update(buffer.subarray(0, bytesRead));
          size += bytesRead;
          onBytes?.(size);
          continue;
        }
        if (finished) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, FOLLOW_POLL_MS);
          wake = () => (clearTimeout(timer), resolve());
        });
        wake = undefined;
      }
    } catch (err) {
      // The file could not be read back: stop the writer, report it as a write failure of the file.
      abort.abort();
      await writing.catch(() => undefined);
      throw toWriteError(path, err);
    }
    try {
      await writing;
    } catch (err) {
      // The compressor's write failed for want of space: disk full, as on the stream path; anything else is its input's or its own failure.
      throw isNoSpace(err) ? toWriteError(path, err, { written: size, free: await freeBytes(dirname(path)) }) : toInputError(err);
    }
    try {
      const { size: onDisk } = await handle.stat();
      if (onDisk !== size) throw new Error(`the file is ${onDisk} bytes but ${size} were read back`);
      await handle.sync();
    } catch (err) {
      throw toWriteError(path, err);
    }
  } catch (err) {
    input.destroy();
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

async function writevAll(handle: FileHandle, chunks: Buffer[]): Promise<void> {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const { bytesWritten } = await handle.writev(chunks);
  if (bytesWritten >= total) return;
  // A short write (nearly full disk): the rest one write at a time, so ENOSPC surfaces as an error.
  const rest = Buffer.concat(chunks).subarray(bytesWritten);
  let offset = 0;
  while (offset < rest.length) {
    const r = await handle.write(rest, offset, rest.length - offset);
    offset += r.bytesWritten;
  }
}

/** Free bytes for an unprivileged writer on the filesystem of `dir`; undefined when it cannot be read. */
async function freeBytes(dir: string): Promise<number | undefined> {
  try {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}
