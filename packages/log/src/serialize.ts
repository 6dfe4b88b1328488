import { BaqupError, InternalError, REDACTED, Secret, type LogFields, type Redactor } from '@baqup/core';

/** Order of the stable fields after `time`, `level`, `msg`; anything else follows in the order given. */
export const STABLE_FIELDS = ['event', 'container', 'target', 'schedule', 'job_id', 'bytes', 'duration_ms', 'error'] as const;
const RESERVED = new Set(['time', 'level', 'msg']);

/** An error as a log line may show it: message and code, never its stack, context or cause. */
export function serializeError(err: unknown): { message: string; code: string } {
  if (err instanceof BaqupError) return { message: err.message, code: err.code };
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { message: err.message, code: typeof code === 'string' ? code : InternalError.code };
  }
  if (isPlainObject(err) && typeof err.message === 'string') {
    return { message: err.message, code: typeof err.code === 'string' ? err.code : InternalError.code };
  }
  return { message: String(err), code: InternalError.code };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Makes a field value JSON-safe: Secrets and known secret strings redacted, Errors reduced, cycles cut. */
export function cleanValue(value: unknown, redactor: Redactor | undefined, seen = new WeakSet<object>()): unknown {
  if (value instanceof Secret) return REDACTED;
  if (typeof value === 'string') return redactor ? redactor.redact(value) : value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return cleanValue(serializeError(value), redactor, seen);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => cleanValue(item, redactor, seen));
  if (value instanceof Map) return cleanValue(Object.fromEntries(value), redactor, seen);
  if (value instanceof Set) return cleanValue([...value], redactor, seen);
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  const out: Record<string, unknown> = {};
  // Own enumerable properties only: a class instance's non-enumerable context stays out, as BaqupError intends.
  for (const [key, inner] of Object.entries(value)) {
    const cleaned = cleanValue(inner, redactor, seen);
    if (cleaned !== undefined) out[key] = cleaned;
  }
  return out;
}

/** The object one log line serialises: `time`, `level`, `msg`, stable fields in their order, then the rest. */
export function lineObject(
  time: string,
  level: string,
  msg: string,
  fields: LogFields | undefined,
  redactor: Redactor | undefined,
): Record<string, unknown> {
  const line: Record<string, unknown> = { time, level, msg: redactor ? redactor.redact(msg) : msg };
  if (!fields) return line;
  for (const key of STABLE_FIELDS) {
    if (fields[key] === undefined) continue;
    line[key] = key === 'error' ? cleanValue(serializeError(fields.error), redactor) : cleanValue(fields[key], redactor);
  }
  for (const [key, value] of Object.entries(fields)) {
    if ((STABLE_FIELDS as readonly string[]).includes(key)) continue;
    const cleaned = cleanValue(value, redactor);
    if (cleaned === undefined) continue;
    // A field may not overwrite the line's own time/level/msg; it is kept under another name instead.
    line[RESERVED.has(key) ? `field_${key}` : key] = cleaned;
  }
  return line;
}
