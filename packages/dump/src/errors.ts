// This package's errors; the classes and their codes live in @baqup/core's error registry (docs/errors.md).
export { DumpFailedError, PreExecFailedError, DumpTimeoutError, CredentialError, SourceMissingError, ToolMissingError, SnapshotFailedError, RestartFailedError, StopFailedError, JournalError } from '@baqup/core';
