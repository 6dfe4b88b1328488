// Progress of a long wait: a one-line bar redrawn on a terminal, or a plain line every `everyMs` otherwise (logs,
// CI). Colour only on a terminal and never with NO_COLOR set (https://no-color.org).
import { humanDuration } from './size.js';

export interface ProgressItem {
  label: string;
  state: string;
  done: boolean;
}

export interface ProgressSink {
  write(text: string): void;
  isTTY: boolean;
  columns?: number;
}

export interface ProgressOptions {
  sink: ProgressSink;
  env?: NodeJS.ProcessEnv;
  everyMs?: number;
  now?: () => number;
}

export class Progress {
  readonly #sink: ProgressSink;
  readonly #color: boolean;
  readonly #everyMs: number;
  readonly #now: () => number;
  readonly #started: number;
  #lastLine = 0;
  #drawn = false;

  constructor(o: ProgressOptions) {
    this.#sink = o.sink;
    const env = o.env ?? process.env;
    this.#color = o.sink.isTTY && !('NO_COLOR' in env && env.NO_COLOR !== '') && env.TERM !== 'dumb';
    this.#everyMs = o.everyMs ?? 10_000;
    this.#now = o.now ?? Date.now;
    this.#started = this.#now();
    this.#lastLine = this.#started;
  }

  /** The state of every item now; draws or prints when it is time. */
  update(items: ProgressItem[]): void {
    const elapsed = humanDuration((this.#now() - this.#started) / 1000);
    const done = items.filter((i) => i.done).length;
    const busy = items.filter((i) => !i.done).map((i) => `${i.label} ${i.state}`).join(', ');
    if (this.#sink.isTTY) {
      const width = 20;
      const fill = items.length ? Math.round((done / items.length) * width) : 0;
      const bar = `${'#'.repeat(fill)}${'-'.repeat(width - fill)}`;
      const shown = this.#color ? `\x1b[32m${bar.slice(0, fill)}\x1b[2m${bar.slice(fill)}\x1b[0m` : bar;
      const line = `[${shown}] ${done}/${items.length} done, ${elapsed}${busy ? ` · ${busy}` : ''}`;
      const max = (this.#sink.columns ?? 80) - 1 + (shown.length - bar.length);
      this.#sink.write(`\r\x1b[2K${line.slice(0, max)}`);
      this.#drawn = true;
      return;
    }
    if (this.#now() - this.#lastLine < this.#everyMs) return;
    this.#lastLine = this.#now();
    this.#sink.write(`… ${elapsed}: ${done}/${items.length} done${busy ? `; ${busy}` : ''}\n`);
  }

  /** Clears the bar before the final report is printed. */
  clear(): void {
    if (this.#drawn) this.#sink.write('\r\x1b[2K');
    this.#drawn = false;
  }
}
