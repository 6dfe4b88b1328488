export { compress, type CompressOptions } from './compress.js';
export { compressStream } from './compress-stream.js';
export { createCompressor, createDecompressor, DEFAULT_ZSTD_THREADS, type CompressorOptions } from './create-compressor.js';
export { compressedExtension, compressionOf } from './extension.js';
export { DEFAULT_LEVELS, resolveLevel } from './levels.js';
export { InvalidCompressionLevelError } from './errors.js';
export { detectZstdVersion } from './tool-version.js';
