// One base error with a stable code; context is non-enumerable so a logged error never dumps a container inspect.

export interface BaqupErrorOptions {
  retryable?: boolean;
  cause?: unknown;
  context?: Record<string, unknown>;
}

export class BaqupError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  declare readonly context: Record<string, unknown>;
  constructor(code: string, message: string, options: BaqupErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    Object.defineProperty(this, 'context', { value: options.context ?? {}, enumerable: false });
  }
}

/** Thrown when the controller config file is missing, unreadable or fails its schema. */
export class ConfigError extends BaqupError {
  constructor(message: string, readonly problems: string[] = []) {
    super('BAQUP_CONFIG_INVALID', message);
  }
}

/** Thrown when the Docker engine does not answer at its address. */
export class DockerUnreachableError extends BaqupError {
  constructor(address: string, options: BaqupErrorOptions = {}) {
    super('BAQUP_DOCKER_UNREACHABLE', `Docker engine not reachable at ${address}`, { retryable: true, ...options });
  }
}

/** Reads `code` from anything thrown; unknown errors get BAQUP_INTERNAL. */
export function errorCode(err: unknown): string {
  return err instanceof BaqupError ? err.code : 'BAQUP_INTERNAL';
}

/** A message fit for logs and alerts: the error's own message, never its context. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
