import type { Compression } from '@baqup/core';
import { InvalidCompressionLevelError } from './errors.js';

/** Default level per compressor: gzip 6 as the seeds' `gzip -6`; zstd 3 as the zstd CLI. */
export const DEFAULT_LEVELS: Readonly<Record<Exclude<Compression, 'none'>, number>> = { gzip: 6, zstd: 3 };

// zstd 20-22 need --ultra and hundreds of MiB per stream: not worth it for backups.
const RANGES: Readonly<Record<Exclude<Compression, 'none'>, readonly [number, number]>> = { gzip: [1, 9], zstd: [1, 19] };

/** The level to use for `kind`, defaulted and checked; `none` has no level (returns 0). */
export function resolveLevel(kind: Compression, level?: number): number {
  if (kind === 'none') return 0;
  const chosen = level ?? DEFAULT_LEVELS[kind];
  const [min, max] = RANGES[kind];
  if (!Number.isInteger(chosen) || chosen < min || chosen > max) throw new InvalidCompressionLevelError(kind, chosen, RANGES[kind]);
  return chosen;
}
