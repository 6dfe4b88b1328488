// This package's errors; the classes and their codes live in @baqup/core's error registry (docs/errors.md).
export { ProcessFailedError, ProcessSpawnError, ProcessTimeoutError, ProcessAbortedError } from '@baqup/core';
