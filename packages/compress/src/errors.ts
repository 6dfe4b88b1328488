// This package's errors; the classes and their codes live in @baqup/core's error registry (docs/errors.md).
export { InvalidCompressionLevelError } from '@baqup/core';
