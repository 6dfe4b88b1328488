// Errors of the Docker layer. Every call maps what dockerode/docker-modem throws into one of these (or core's
// DockerUnreachableError), so callers branch on `code`, never on HTTP status or errno.
import { BaqupError, DockerApiError, DockerNotFoundError, DockerUnreachableError } from '@baqup/core';

export { DockerApiError, DockerArchiveError, DockerEventsEndedError, DockerNotFoundError, DockerStreamError, ExecFailedError } from '@baqup/core';

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

