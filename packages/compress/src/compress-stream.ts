// Wires a dump stream into a compressor so failures travel both ways: an input error destroys the
// output with that same error (and kills zstd's group); an output destroyed by the consumer (stage
// failed, disk full) destroys the input, which ends the dump.
import { pipeline, type Readable } from 'node:stream';
import type { Compression } from '@baqup/core';
import { createCompressor, type CompressorOptions } from './create-compressor.js';

/** `input` compressed with `kind`; for `none` the input stream itself (no extra stream, no copy). */
export function compressStream(input: Readable, kind: Compression, level?: number, options: CompressorOptions = {}): Readable {
  if (kind === 'none') return input;
  const compressor = createCompressor(kind, level, options);
  // pipeline destroys every stream with the first error; the consumer sees it on `compressor`.
  pipeline(input, compressor, () => undefined);
  return compressor;
}
