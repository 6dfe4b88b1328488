// The one redactor: the logger, child-process stderr tails and exec stderr tails all go through it. How weak
// passwords are handled is decided in docs/adr/0006-weak-secret-redaction.md.
import { Secret } from '../secret.js';
import { COMMON_WORDS } from './common-words.js';

export const REDACTED = '[redacted]';

/** Below this length a secret is matched as a whole word only, so a short password does not eat parts of words. */
export const MIN_SUBSTRING_LENGTH = 8;

export type SecretStrength = 'strong' | 'short' | 'common';

/** How a secret is matched: anywhere (strong), as a whole word (short), or only in a credential position (common). */
export function secretStrength(value: string): SecretStrength {
  if (COMMON_WORDS.has(value.toLowerCase())) return 'common';
  return value.length < MIN_SUBSTRING_LENGTH ? 'short' : 'strong';
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// Left sides after which a value is a credential: `password=…`, `PGPASSWORD: "…"`, `api_token = '…'`, `user:…@`.
// Case-insensitive for the key only (a secret itself is matched as written).
const ci = (word: string): string => [...word].map((c) => `[${c.toLowerCase()}${c.toUpperCase()}]`).join('');
const KEYS = ['password', 'passwd', 'pass', 'pwd', 'secret', 'token', 'key', 'credential', 'auth'].map(ci).join('|');
const CREDENTIAL_LEFT = String.raw`(?:(?:${KEYS})[A-Za-z0-9_-]*["']?\s*[=:]\s*["']?|\/\/[^\s/@:]*:)`;
const WORD_CHAR = 'A-Za-z0-9';

/**
 * The set of secret strings known at run time (passwords the controller resolved, `*_FILE` and `password_file`
 * contents read at job time, tokens from notify URLs). A backstop: values should already be `Secret`s.
 */
export class Redactor {
  readonly #secrets = new Set<string>();
  #pattern: RegExp | null | undefined;

  constructor(initial: Iterable<string | Secret> = []) {
    for (const value of initial) this.add(value);
  }

  /** Registers a secret; empty strings are ignored (they would match everywhere). */
  add(value: string | Secret): void {
    const plain = value instanceof Secret ? value.reveal() : value;
    if (plain.length === 0 || this.#secrets.has(plain)) return;
    this.#secrets.add(plain);
    this.#pattern = undefined;
  }

  delete(value: string | Secret): void {
    if (this.#secrets.delete(value instanceof Secret ? value.reveal() : value)) this.#pattern = undefined;
  }

  get size(): number {
    return this.#secrets.size;
  }

  /** `text` with every known secret replaced by `[redacted]`, in one pass, longest first. */
  redact(text: string): string {
    if (this.#secrets.size === 0 || text.length === 0) return text;
    if (this.#secrets.has(text)) return REDACTED;
    const pattern = this.#compiled();
    return pattern ? text.replace(pattern, REDACTED) : text;
  }

  #compiled(): RegExp | null {
    if (this.#pattern !== undefined) return this.#pattern;
    // One alternation, longest first: a secret that contains another is replaced whole, and text already replaced
    // is never matched again (`[redacted]` cannot be eaten by a secret "red").
    const parts = [...this.#secrets]
      .sort((a, b) => b.length - a.length)
      .map((s) => {
        const e = escape(s);
        const strength = secretStrength(s);
        if (strength === 'strong') return e;
        const whole = `(?<![${WORD_CHAR}])${e}(?![${WORD_CHAR}])`;
        return strength === 'short' ? whole : `(?<=${CREDENTIAL_LEFT})${whole}`;
      });
    this.#pattern = parts.length > 0 ? new RegExp(parts.join('|'), 'g') : null;
    return this.#pattern;
  }
}

export function createRedactor(initial: Iterable<string | Secret> = []): Redactor {
  return new Redactor(initial);
}

/** One-off: `text` with each of `secrets` redacted, by the same rules as a Redactor holding them. */
export function redact(text: string, secrets: Iterable<Secret | string>): string {
  return new Redactor(secrets).redact(text);
}
