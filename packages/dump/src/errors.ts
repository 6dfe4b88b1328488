// Errors of the dump stage. Messages carry exit codes, paths and stderr tails — never a credential.
import { BaqupError, type BaqupErrorOptions } from '@baqup/core';

/** Thrown when a dump tool exits non-zero or its output ends abnormally; the message has the exit code and stderr tail. */
export class DumpFailedError extends BaqupError {
  constructor(message: string, options: BaqupErrorOptions = {}) {
    super('BAQUP_DUMP_FAILED', message, options);
  }
}

/** Thrown when a target's `pre_exec` command exits non-zero: the target is skipped for this run (alert-worthy). */
export class PreExecFailedError extends BaqupError {
  constructor(exitCode: number, stderrTail: string) {
    super('BAQUP_DUMP_PRE_EXEC_FAILED', `pre_exec exited with code ${exitCode}${stderrTail ? `: ${stderrTail}` : ''}`);
  }
}

/** Thrown (into the dump stream) when a target's `timeoutSeconds` elapses; the dump process has been killed. */
export class DumpTimeoutError extends BaqupError {
  constructor(seconds: number) {
    super('BAQUP_DUMP_TIMEOUT', `dump did not finish within ${seconds} s and was killed`, { retryable: true });
  }
}

/** Thrown when a password file inside the container cannot be read, is empty, or is larger than the cap. */
export class CredentialError extends BaqupError {
  constructor(message: string, options: BaqupErrorOptions = {}) {
    super('BAQUP_DUMP_CREDENTIAL', message, options);
  }
}

/** Thrown when the file or directory a target names (sqlite db, fs path, redis RDB) does not exist in the container. */
export class SourceMissingError extends BaqupError {
  constructor(path: string, containerName: string) {
    super('BAQUP_DUMP_SOURCE_MISSING', `${path} does not exist in container ${containerName}`);
  }
}

/** Thrown when the container has none of the tools an engine needs (e.g. neither mariadb-dump nor mysqldump). */
export class ToolMissingError extends BaqupError {
  constructor(tools: string[], containerName: string) {
    super('BAQUP_DUMP_TOOL_MISSING', `none of ${tools.join(', ')} found in container ${containerName}`);
  }
}

/** Thrown when Redis reports a failed BGSAVE, or the snapshot does not complete. */
export class SnapshotFailedError extends BaqupError {
  constructor(message: string) {
    super('BAQUP_DUMP_SNAPSHOT_FAILED', message, { retryable: true });
  }
}

/** Thrown when baqup stopped a container and could not start it again: it is left down and stays in the journal. */
export class RestartFailedError extends BaqupError {
  constructor(containerName: string, options: BaqupErrorOptions = {}) {
    const cause = options.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('BAQUP_DUMP_RESTART_FAILED', `container ${containerName} was stopped for a backup and could not be started again${cause}`, options);
  }
}

/** Thrown when stopping a container before a cold backup fails (it is started again if it went down). */
export class StopFailedError extends BaqupError {
  constructor(containerName: string, options: BaqupErrorOptions = {}) {
    const cause = options.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('BAQUP_DUMP_STOP_FAILED', `could not stop container ${containerName} for a backup${cause}`, { retryable: true, ...options });
  }
}

/** Thrown when the stop journal cannot be read or written (a stop is refused rather than left unrecorded). */
export class JournalError extends BaqupError {
  constructor(path: string, options: BaqupErrorOptions = {}) {
    const cause = options.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('BAQUP_DUMP_JOURNAL', `stop journal ${path} unusable${cause}`, options);
  }
}
