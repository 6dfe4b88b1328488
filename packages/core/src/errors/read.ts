import { BaqupError } from './base.js';
import { InternalError } from './general.js';

/** Reads `code` from anything thrown; unknown errors get BAQUP_INTERNAL. */
export function errorCode(err: unknown): string {
  return err instanceof BaqupError ? err.code : InternalError.code;
}

/** A message fit for logs and alerts: the error's own message, never its context. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
