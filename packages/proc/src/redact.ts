import { Secret } from '@baqup/core';

/** Replaces every occurrence of each secret value with `[redacted]`; empty values are ignored. */
export function redact(text: string, secrets: ReadonlyArray<Secret | string>): string {
  let out = text;
  for (const s of secrets) {
    const value = s instanceof Secret ? s.reveal() : s;
    if (value.length > 0) out = out.split(value).join('[redacted]');
  }
  return out;
}
