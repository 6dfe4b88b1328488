import { inspect } from 'node:util';

/** A value that must never reach a log, an error message or an argv: it prints as `[redacted]` everywhere. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The plain value, for the one place that hands it to a tool (exec env, option file, child env). */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[redacted]';
  }
  toJSON(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return '[redacted]';
  }
}
