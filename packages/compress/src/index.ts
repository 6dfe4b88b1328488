export { compress } from './compress.js';
export { compressionOf } from './extension.js';
export { compressStream } from './compress-stream.js';
export { createDecompressor } from './create-compressor.js';
export { InvalidCompressionLevelError } from './errors.js';
