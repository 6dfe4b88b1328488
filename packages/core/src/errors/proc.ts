// Child processes on the host side (zstd, rclone, restic, psql).
import { defineError, type BaqupErrorOptions } from './base.js';

export class ProcessFailedError extends defineError('ProcessFailedError', {
  code: 'BAQUP_PROC_FAILED',
  retryable: false,
  when: 'a child process exits non-zero or is killed by a signal it did not get from baqup.',
}) {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly exitSignal: NodeJS.Signals | null,
    /** The end of the child's stderr, secrets already redacted. */
    readonly stderrTail: string,
    options: BaqupErrorOptions = {},
  ) {
    const how = exitCode !== null ? `exited with code ${exitCode}` : `was killed by ${exitSignal ?? 'a signal'}`;
    super(`${command} ${how}${stderrTail ? `: ${stderrTail}` : ''}`, options);
  }
}

export class ProcessSpawnError extends defineError('ProcessSpawnError', {
  code: 'BAQUP_PROC_SPAWN_FAILED',
  retryable: false,
  when: 'a child process cannot be started at all (binary missing, not executable, bad working directory).',
}) {
  constructor(readonly command: string, cause: unknown) {
    const reason = (cause as NodeJS.ErrnoException | undefined)?.code ?? String(cause);
    super(`cannot start ${command}: ${reason}`, { cause });
  }
}

export class ProcessTimeoutError extends defineError('ProcessTimeoutError', {
  code: 'BAQUP_PROC_TIMEOUT',
  retryable: true,
  when: 'a child process group was killed because it ran longer than its timeout.',
}) {
  constructor(readonly command: string, readonly timeoutMs: number, readonly stderrTail: string) {
    super(`${command} timed out after ${timeoutMs} ms${stderrTail ? `: ${stderrTail}` : ''}`);
  }
}

export class ProcessAbortedError extends defineError('ProcessAbortedError', {
  code: 'BAQUP_PROC_ABORTED',
  retryable: false,
  when: 'a child process group was killed because its AbortSignal fired (job cancelled, shutdown).',
}) {
  constructor(readonly command: string, cause: unknown) {
    super(`${command} was aborted`, { cause });
  }
}
