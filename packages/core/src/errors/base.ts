// One base error with a stable code; context is non-enumerable so a logged error never dumps a container inspect.
// Every code is declared once, with `defineError`, in this folder: the registry docs/errors.md is generated from.

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

/** What the registry knows of one code. */
export interface ErrorSpec<C extends string = string> {
  /** `BAQUP_<AREA>_<WHAT>`, stable: alerts, logs and scripts match on it. */
  readonly code: C;
  /** Whether the same job may succeed on a later run without anyone changing anything. */
  readonly retryable: boolean;
  /** One sentence completing "Thrown when …". */
  readonly when: string;
}

export interface RegisteredError extends ErrorSpec {
  /** The class name, as `err.name` shows it. */
  readonly name: string;
  /** Grouping in docs/errors.md: the code's `<AREA>`. */
  readonly area: string;
}

/** The class `defineError` returns: construct with a message; `code` and `spec` are on the class too. */
export interface DefinedError<C extends string> {
  new (message: string, options?: BaqupErrorOptions): BaqupError & { readonly code: C };
  readonly code: C;
  readonly spec: ErrorSpec<C>;
}

const CODE = /^BAQUP_([A-Z]+)(?:_[A-Z]+)*$/;
const registry = new Map<string, RegisteredError>();

/**
 * Declares one error code and returns its class (extend it for a custom constructor). A code declared twice, or
 * not of the form `BAQUP_<AREA>_<WHAT>`, throws at load time, so the registry cannot hold duplicates.
 */
export function defineError<C extends `BAQUP_${string}`>(name: string, spec: ErrorSpec<C>): DefinedError<C> {
  const match = CODE.exec(spec.code);
  if (!match) throw new Error(`error code ${spec.code} is not BAQUP_<AREA>_<WHAT>`);
  if (registry.has(spec.code)) throw new Error(`error code ${spec.code} is defined twice`);
  registry.set(spec.code, { name, area: match[1]!, ...spec });
  class Defined extends BaqupError {
    static readonly code = spec.code;
    static readonly spec = spec;
    constructor(message: string, options: BaqupErrorOptions = {}) {
      super(spec.code, message, { retryable: spec.retryable, ...options });
    }
  }
  return Defined as unknown as DefinedError<C>;
}

/** Every declared code, in declaration order. */
export function errorRegistry(): readonly RegisteredError[] {
  return [...registry.values()];
}

/** True when `code` is a declared one. */
export function isErrorCode(code: string): boolean {
  return registry.has(code);
}
