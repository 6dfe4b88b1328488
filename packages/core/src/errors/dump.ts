// The dump stage. Messages carry exit codes, paths and stderr tails — never a credential.
import { defineError, type BaqupErrorOptions } from './base.js';

const causeText = (options: BaqupErrorOptions): string => (options.cause instanceof Error ? `: ${options.cause.message}` : '');

export class DumpFailedError extends defineError('DumpFailedError', {
  code: 'BAQUP_DUMP_FAILED',
  retryable: false,
  when: 'a dump tool exits non-zero or its output ends abnormally; the message has the exit code and stderr tail.',
}) {}

export class PreExecFailedError extends defineError('PreExecFailedError', {
  code: 'BAQUP_DUMP_PRE_EXEC_FAILED',
  retryable: false,
  when: "a target's `pre_exec` command exits non-zero: the target is skipped for this run (alert-worthy).",
}) {
  constructor(exitCode: number, stderrTail: string) {
    super(`pre_exec exited with code ${exitCode}${stderrTail ? `: ${stderrTail}` : ''}`);
  }
}

export class PostExecFailedError extends defineError('PostExecFailedError', {
  code: 'BAQUP_DUMP_POST_EXEC_FAILED',
  retryable: false,
  when: "a target's `post_exec` command exits non-zero or cannot run: logged as post_exec.failed, the backup's own result stands.",
}) {
  constructor(exitCode: number, stderrTail: string) {
    super(`post_exec exited with code ${exitCode}${stderrTail ? `: ${stderrTail}` : ''}`);
  }
}

export class DumpTimeoutError extends defineError('DumpTimeoutError', {
  code: 'BAQUP_DUMP_TIMEOUT',
  retryable: true,
  when: "a target's `timeout` elapses during its job; the dump process has been killed.",
}) {
  constructor(seconds: number) {
    super(`dump did not finish within ${seconds} s and was killed`);
  }
}

export class CredentialError extends defineError('CredentialError', {
  code: 'BAQUP_DUMP_CREDENTIAL',
  retryable: false,
  when: 'a password file inside the container cannot be read, is empty, or is larger than the cap.',
}) {}

export class SourceMissingError extends defineError('SourceMissingError', {
  code: 'BAQUP_DUMP_SOURCE_MISSING',
  retryable: false,
  when: 'the file or directory a target names (sqlite database, fs path, redis RDB) does not exist in the container.',
}) {
  constructor(path: string, containerName: string) {
    super(`${path} does not exist in container ${containerName}`);
  }
}

export class ToolMissingError extends defineError('ToolMissingError', {
  code: 'BAQUP_DUMP_TOOL_MISSING',
  retryable: false,
  when: 'the container has none of the tools an engine needs (e.g. neither mariadb-dump nor mysqldump).',
}) {
  constructor(tools: string[], containerName: string) {
    super(`none of ${tools.join(', ')} found in container ${containerName}`);
  }
}

export class SnapshotFailedError extends defineError('SnapshotFailedError', {
  code: 'BAQUP_DUMP_SNAPSHOT_FAILED',
  retryable: true,
  when: 'Redis reports a failed BGSAVE, or the snapshot does not complete.',
}) {}

export class RestartFailedError extends defineError('RestartFailedError', {
  code: 'BAQUP_DUMP_RESTART_FAILED',
  retryable: false,
  when: 'baqup stopped a container and could not start it again: it is left down and stays in the journal.',
}) {
  constructor(containerName: string, options: BaqupErrorOptions = {}) {
    super(`container ${containerName} was stopped for a backup and could not be started again${causeText(options)}`, options);
  }
}

export class StopFailedError extends defineError('StopFailedError', {
  code: 'BAQUP_DUMP_STOP_FAILED',
  retryable: true,
  when: 'stopping a container before a cold backup fails (it is started again if it went down).',
}) {
  constructor(containerName: string, options: BaqupErrorOptions = {}) {
    super(`could not stop container ${containerName} for a backup${causeText(options)}`, options);
  }
}

export class JournalError extends defineError('JournalError', {
  code: 'BAQUP_DUMP_JOURNAL',
  retryable: false,
  when: 'the stop journal cannot be read or written (a stop is refused rather than left unrecorded).',
}) {
  constructor(path: string, options: BaqupErrorOptions = {}) {
    super(`stop journal ${path} unusable${causeText(options)}`, options);
  }
}
