// Counts the regular files of a tar and their bytes as it streams past, without changing a byte of it.
import { Transform, type Readable } from 'node:stream';
import * as tar from 'tar-stream';

export interface TarCount {
  count: number;
  bytes: number;
}

/** Reads a whole tar: resolves its regular files' count and bytes, rejects when it is not a complete tar. */
export async function countTar(input: Readable): Promise<TarCount> {
  const extract = tar.extract();
  input.once('error', (err) => extract.destroy(err));
  input.pipe(extract);
  const out = { count: 0, bytes: 0 };
  for await (const entry of extract) {
    if (entry.header.type === 'file' || entry.header.type === 'contiguous-file') {
      out.count++;
      out.bytes += entry.header.size ?? 0;
    }
    // An entry is destroyed with the parser when the input fails: the loop's rejection reports it.
    entry.on('error', () => {});
    entry.resume();
  }
  return out;
}

/**
 * A pass-through that also feeds a tar parser (with backpressure: the dump waits for the parser); `result`
 * resolves the counts once the stream ended, or undefined (with the reason) when the parse failed.
 */
export function tarCounter(): { tap: Transform; result: Promise<TarCount | { error: string }> } {
  const extract = tar.extract();
  const out = { count: 0, bytes: 0 };
  let failed: string | undefined;
  const result = new Promise<TarCount | { error: string }>((resolve) => {
    extract.on('entry', (header, stream, next) => {
      if (header.type === 'file' || header.type === 'contiguous-file') {
        out.count++;
        out.bytes += header.size ?? 0;
      }
      stream.on('end', next);
      // Destroyed with the parser when the dump ends early (an aborted job): the parser's error is the one reported.
      stream.on('error', () => {});
      stream.resume();
    });
    extract.on('finish', () => resolve(failed ? { error: failed } : out));
    extract.on('error', (err) => {
      failed = err.message;
      resolve({ error: err.message });
    });
  });
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (failed) return cb(null, chunk);
      if (extract.write(chunk)) return cb(null, chunk);
      const go = () => {
        extract.off('drain', go);
        extract.off('error', go);
        cb(null, chunk);
      };
      extract.once('drain', go);
      extract.once('error', go);
    },
    flush(cb) {
      if (!failed) (extract as unknown as { end(): void }).end();
      cb();
    },
  });
  tap.once('close', () => {
    if (!tap.writableFinished) {
      failed ??= 'the archive stream ended early';
      extract.destroy(new Error(failed));
    }
  });
  return { tap, result };
}
