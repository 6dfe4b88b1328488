// Errors of the Docker layer. Every call maps what dockerode/docker-modem throws into one of these (or core's
// DockerUnreachableError), so callers branch on `code`, never on HTTP status or errno.
import { BaqupError, DockerUnreachableError, type BaqupErrorOptions } from '@baqup/core';

/** Thrown when the engine answers 404 for a container, exec or path. */
export class DockerNotFoundError extends BaqupError {
  constructor(what: string, options: BaqupErrorOptions = {}) {
    super('BAQUP_DOCKER_NOT_FOUND', `${what} not found`, options);
  }
}

/** Thrown when the engine answers with an HTTP error other than 404 (409 container not running, 500 …). */
export class DockerApiError extends BaqupError {
  constructor(
    message: string,
    readonly statusCode: number | undefined,
    options: BaqupErrorOptions = {},
  ) {
    super('BAQUP_DOCKER_API', message, { retryable: statusCode === undefined || statusCode >= 500, ...options });
  }
}

/** Thrown when an exec'd command exits non-zero; the message carries the exit code and the (redacted) stderr tail. */
export class ExecFailedError extends BaqupError {
  constructor(
    readonly exitCode: number,
    message: string,
    options: BaqupErrorOptions = {},
  ) {
    super('BAQUP_DOCKER_EXEC_FAILED', message, options);
  }
}

/** Thrown when reading or writing a container archive (tar over the archive API) fails. */
export class DockerArchiveError extends BaqupError {
  constructor(message: string, options: BaqupErrorOptions = {}) {
    super('BAQUP_DOCKER_ARCHIVE', message, { retryable: true, ...options });
  }
}

/** Thrown when the engine's multiplexed exec stream carries a frame header that cannot be one (stream misaligned). */
export class DockerStreamError extends BaqupError {
  constructor(message: string, options: BaqupErrorOptions = {}) {
    super('BAQUP_DOCKER_STREAM', message, options);
  }
}

// errno codes meaning "nobody answers at that address" (socket missing, refused, no permission, dropped, DNS).
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'EACCES',
  'EPERM',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

interface ModemError {
  code?: unknown;
  statusCode?: unknown;
  name?: unknown;
  json?: unknown;
  message?: unknown;
}

/** True for errors that mean the engine could not be talked to at all. */
export function isUnreachable(err: unknown): boolean {
  const code = (err as ModemError | null)?.code;
  return typeof code === 'string' && UNREACHABLE_CODES.has(code);
}

function isAbort(err: unknown): boolean {
  const e = err as ModemError | null;
  return e?.name === 'AbortError' || e?.code === 'ABORT_ERR';
}

/** The engine's own message from an HTTP error ({"message": "..."}), else the modem's message. */
function engineMessage(err: ModemError): string {
  const json = err.json as { message?: unknown } | null | undefined;
  if (json && typeof json === 'object' && typeof json.message === 'string') return json.message;
  return typeof err.message === 'string' ? err.message : String(err);
}

/**
 * Map anything a dockerode call threw to our errors. `what` names the object for 404s ("container abc").
 * Abort errors pass through untouched: the caller asked for them.
 */
export function toDockerError(err: unknown, address: string, what: string): unknown {
  if (err instanceof BaqupError || isAbort(err)) return err;
  if (isUnreachable(err)) return new DockerUnreachableError(address, { cause: err });
  const e = (err ?? {}) as ModemError;
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status === 404) return new DockerNotFoundError(what, { cause: err });
  return new DockerApiError(`Docker ${what}: ${engineMessage(e)}`, status, { cause: err });
}

/** Raised inside the events Observable when the engine closes the events stream; it reconnects on its own. */
export class DockerEventsEndedError extends BaqupError {
  constructor(address: string) {
    super('BAQUP_DOCKER_EVENTS_ENDED', `Docker events stream at ${address} ended`, { retryable: true });
  }
}
