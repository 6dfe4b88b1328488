import { Secret } from '@baqup/core';

export const REDACTED = '[redacted]';

/**
 * The set of secret strings known at run time (passwords the controller resolved, tokens from notify URLs). Every
 * string the logger writes passes through `redact`, so a secret that slipped into an error message or a tool's stderr
 * still never reaches a line. It is a backstop: values should already be `Secret`s.
 */
export class Redactor {
  readonly #secrets = new Set<string>();

  constructor(initial: Iterable<string | Secret> = []) {
    for (const value of initial) this.add(value);
  }

  /** Registers a secret; empty strings are ignored (they would match everywhere). */
  add(value: string | Secret): void {
    const plain = value instanceof Secret ? value.reveal() : value;
    if (plain.length === 0) return;
    this.#secrets.add(plain);
  }

  delete(value: string | Secret): void {
    this.#secrets.delete(value instanceof Secret ? value.reveal() : value);
  }

  get size(): number {
    return this.#secrets.size;
  }

  /** `text` with every occurrence of every known secret replaced by `[redacted]`, longest first. */
  redact(text: string): string {
    if (this.#secrets.size === 0) return text;
    let out = text;
    // Longest first, so a secret that contains a shorter one is replaced whole.
    for (const secret of [...this.#secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    return out;
  }
}

export function createRedactor(initial: Iterable<string | Secret> = []): Redactor {
  return new Redactor(initial);
}
