// Last line of defence for text we did not write (a tool's stderr) before it becomes an error message or log.
import type { Secret } from '@baqup/core';

/** Replace every occurrence of every secret's value with `[redacted]`. Empty values are ignored. */
export function redact(text: string, secrets: Iterable<Secret | string>): string {
  const values = [...secrets]
    .map((s) => (typeof s === 'string' ? s : s.reveal()))
    .filter((v) => v.length > 0)
    // Longest first, so a secret containing another is removed whole.
    .sort((a, b) => b.length - a.length);
  let out = text;
  for (const v of values) out = out.split(v).join('[redacted]');
  return out;
}
