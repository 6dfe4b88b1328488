// One compressor stream per kind. All three follow the core stream contract: the output ends only
// when all input was compressed (for zstd: after the process exited 0) and errors otherwise.
import { PassThrough, type Duplex } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import type { Compression } from '@baqup/core';
import { processDuplex } from '@baqup/proc';
import { resolveLevel } from './levels.js';

export interface CompressorOptions {
  /** zstd worker threads (`-T`); 1 keeps zstd on one core beside the dump tool. See bench/README.md. */
  zstdThreads?: number;
  /** The zstd binary (default `zstd` from PATH). */
  zstdCommand?: string;
  signal?: AbortSignal;
}

/** Default zstd threads, chosen from bench/compress.mjs on the 2-core target machine. */
export const DEFAULT_ZSTD_THREADS = 1;

/** A Duplex compressing what is written to it; for `none` a PassThrough (chunks pass by reference, no copy). */
export function createCompressor(kind: Compression, level?: number, options: CompressorOptions = {}): Duplex {
  const lvl = resolveLevel(kind, level);
  switch (kind) {
    case 'gzip':
      // 64 KiB chunks instead of 16 KiB: fewer, larger writes downstream for the same memory class.
      return createGzip({ level: lvl, chunkSize: 64 * 1024 });
    case 'zstd':
      return processDuplex({
        command: options.zstdCommand ?? 'zstd',
        args: [`-${lvl}`, `-T${options.zstdThreads ?? DEFAULT_ZSTD_THREADS}`, '-c', '-q', '--no-progress'],
        signal: options.signal,
        killGraceMs: 2000,
      });
    case 'none':
      return new PassThrough();
  }
}

/** The matching decompressor (restore, verify, tests). */
export function createDecompressor(kind: Compression, options: Pick<CompressorOptions, 'zstdCommand' | 'signal'> = {}): Duplex {
  switch (kind) {
    case 'gzip':
      return createGunzip({ chunkSize: 64 * 1024 });
    case 'zstd':
      return processDuplex({ command: options.zstdCommand ?? 'zstd', args: ['-d', '-c', '-q'], signal: options.signal, killGraceMs: 2000 });
    case 'none':
      return new PassThrough();
  }
}
