import { BaqupError, type BaqupErrorOptions } from '@baqup/core';

/** Thrown when a child process exits non-zero or is killed by a signal it did not get from us. */
export class ProcessFailedError extends BaqupError {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly exitSignal: NodeJS.Signals | null,
    /** The end of the child's stderr, secrets already redacted. */
    readonly stderrTail: string,
    options: BaqupErrorOptions = {},
  ) {
    const how = exitCode !== null ? `exited with code ${exitCode}` : `was killed by ${exitSignal ?? 'a signal'}`;
    super('BAQUP_PROC_FAILED', `${command} ${how}${stderrTail ? `: ${stderrTail}` : ''}`, options);
  }
}

/** Thrown when a child process cannot be started at all (binary missing, not executable, bad cwd). */
export class ProcessSpawnError extends BaqupError {
  constructor(readonly command: string, cause: unknown) {
    const reason = (cause as NodeJS.ErrnoException | undefined)?.code ?? String(cause);
    super('BAQUP_PROC_SPAWN_FAILED', `cannot start ${command}: ${reason}`, { cause });
  }
}

/** Thrown when a child process group was killed because it ran longer than its timeout. */
export class ProcessTimeoutError extends BaqupError {
  constructor(readonly command: string, readonly timeoutMs: number, readonly stderrTail: string) {
    super('BAQUP_PROC_TIMEOUT', `${command} timed out after ${timeoutMs} ms${stderrTail ? `: ${stderrTail}` : ''}`, {
      retryable: true,
    });
  }
}

/** Thrown when a child process group was killed because its AbortSignal fired (job cancelled, shutdown). */
export class ProcessAbortedError extends BaqupError {
  constructor(readonly command: string, cause: unknown) {
    super('BAQUP_PROC_ABORTED', `${command} was aborted`, { cause });
  }
}
