import type { Compression } from '@baqup/core';

const SUFFIX: Readonly<Record<Compression, string>> = { gzip: '.gz', zstd: '.zst', none: '' };

/** The staged file's extension: `sql` + gzip → `sql.gz`, `tar` + zstd → `tar.zst`, none → unchanged. */
export function compressedExtension(extension: string, kind: Compression): string {
  return extension + SUFFIX[kind];
}

/** The compression a staged file's extension says it has (for restore and listing). */
export function compressionOf(fileName: string): Compression {
  if (fileName.endsWith('.gz')) return 'gzip';
  if (fileName.endsWith('.zst')) return 'zstd';
  return 'none';
}
