// Is a backup file readable to its end in its format? Decompress it as a stream (nothing kept but the first and
// last bytes) and check what each engine's dump must look like; a tar is walked entry by entry.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Writable, type Readable } from 'node:stream';
import { createDecompressor } from '@baqup/compress';
import type { Compression, TargetType } from '@baqup/core';
import { UnreadableBackupError, UnsafeArchiveError } from './errors.js';
import { scanTar } from './tar-safety.js';

export interface ContentReport {
  /** Decompressed bytes (0 for fs, where entries are counted instead). */
  bytes: number;
  entries?: number;
  /** What was checked, for the report: `PostgreSQL cluster dump, complete`. */
  format: string;
}

const HEAD = 4096;
const TAIL = 512;

/** Checks a dump's first and last bytes for its engine; returns what it found or throws UnreadableBackupError. */
export function checkDumpShape(type: TargetType, head: Buffer, tail: Buffer, bytes: number): string {
  const h = head.toString('latin1');
  const t = tail.toString('latin1');
  const fail = (why: string): never => {
    throw new UnreadableBackupError(`not a complete ${type} dump: ${why}`);
  };
  switch (type) {
    case 'postgres': {
      if (!h.includes('PostgreSQL database cluster dump') && !h.includes('PostgreSQL database dump')) fail('no "-- PostgreSQL database dump" header');
      if (!/PostgreSQL database (cluster )?dump complete/.test(t)) fail('the "dump complete" trailer is missing (truncated?)');
      // Both kinds begin with a cluster header (roles + pg_dump parts begin with pg_dumpall --roles-only); only
      // pg_dumpall's whole-cluster script ends with the cluster trailer. The loader picks its database from this.
      const kind = t.includes('PostgreSQL database cluster dump complete') ? 'cluster dump' : 'database dump';
      return `PostgreSQL ${kind}, complete`;
    }
    case 'mariadb':
    case 'mysql': {
      const kind = h.includes('-- MariaDB dump') ? 'MariaDB dump' : h.includes('-- MySQL dump') ? 'MySQL dump' : fail('no "-- MariaDB dump" / "-- MySQL dump" header');
      if (!t.includes('-- Dump completed')) fail('the "-- Dump completed" trailer is missing (truncated?)');
      return `${kind}, complete`;
    }
    case 'redis': {
      if (!h.startsWith('REDIS')) fail('no REDIS magic');
      // RDB ≥ 5 ends with the EOF opcode and an 8-byte CRC64.
      if (tail.length < 9 || tail[tail.length - 9] !== 0xff) fail('no EOF opcode before the checksum (truncated?)');
      return `Redis RDB version ${h.slice(5, 9)}`;
    }
    case 'sqlite': {
      if (!h.startsWith('SQLite format 3\0')) fail('no "SQLite format 3" header');
      const raw = head.length >= 18 ? head.readUInt16BE(16) : 0;
      const page = raw === 1 ? 65536 : raw;
      if (page < 512 || bytes % page !== 0) fail(`size ${bytes} is not a multiple of the page size ${page} (truncated?)`);
      return `SQLite database, ${bytes / page} pages of ${page} bytes`;
    }
    case 'mongo': {
      if (head.length < 4 || head.readUInt32LE(0) !== 0x8199e26d) fail('no mongodump archive magic');
      return 'mongodump archive';
    }
    case 'fs':
      return 'tar';
  }
}

/** A sink keeping the first HEAD and last TAIL bytes and counting the rest. */
function shapeSink(): { sink: Writable; result: () => { head: Buffer; tail: Buffer; bytes: number } } {
  let head = Buffer.alloc(0);
  let tail = Buffer.alloc(0);
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      if (head.length < HEAD) head = Buffer.concat([head, chunk.subarray(0, HEAD - head.length)]);
      tail = Buffer.concat([tail, chunk]);
      if (tail.length > TAIL) tail = tail.subarray(tail.length - TAIL);
      cb();
    },
  });
  return { sink, result: () => ({ head, tail, bytes }) };
}

/** Decompressed content of a local backup file, as a stream that errors when the compressed stream is broken. */
export function openDecompressed(path: string, compression: Compression, signal?: AbortSignal): Readable {
  const file = createReadStream(path);
  if (compression === 'none') return file;
  const d = createDecompressor(compression, signal ? { signal } : {});
  file.on('error', (err) => d.destroy(err));
  file.pipe(d);
  return d;
}

/** Reads the whole file through its decompressor and checks its shape; `fsPath` checks tar entries against a target path. */
export async function checkContent(path: string, compression: Compression, type: TargetType, fsPath?: string): Promise<ContentReport> {
  const stream = openDecompressed(path, compression);
  try {
    if (type === 'fs') {
      const { entries } = await scanTar(stream, fsPath);
      if (entries === 0) throw new UnreadableBackupError('the archive holds no entry');
      return { bytes: 0, entries, format: `tar, ${entries} entries, all inside the target path` };
    }
    const { sink, result } = shapeSink();
    await pipeline(stream, sink);
    const r = result();
    return { bytes: r.bytes, format: checkDumpShape(type, r.head, r.tail, r.bytes) };
  } catch (err) {
    if (err instanceof UnreadableBackupError || err instanceof UnsafeArchiveError) throw err;
    throw new UnreadableBackupError(`cannot read ${compression === 'none' ? 'the file' : `the ${compression} stream`} to its end: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
