// Progress of a long wait: a one-line bar redrawn on a terminal, or a plain line every `everyMs` otherwise (logs,
// CI). Colour only on a terminal and never with NO_COLOR set (https://no-color.org). With bytes (a running job's
// bytes written so far) each item shows its size, rate (over the last 10 s) and, when the expected size is known
// (the target's last backup), how much is left and an ETA; the bar then fills by bytes.
import { humanDuration, humanSize } from './size.js';

export interface ProgressItem {
  label: string;
  state: string;
  done: boolean;
  /** Bytes so far (running), when known. */
  bytes?: number;
  /** What `bytes` is expected to reach (the last backup's size), when known. */
  expected?: number;
}

const RATE_WINDOW_MS = 10_000;

/** `12.0 MiB of ~20.0 MiB at 1.2 MiB/s, ~7 s left`: the bytes part of one item's progress. */
export function bytesText(bytes: number, expected: number | undefined, rate: number | undefined): string {
  const parts = [`${humanSize(bytes)}${expected !== undefined ? ` of ~${humanSize(expected)}` : ''}`];
  if (rate !== undefined && rate > 0) parts.push(`at ${humanSize(Math.round(rate))}/s`);
  let out = parts.join(' ');
  if (rate !== undefined && rate > 0 && expected !== undefined && expected > bytes) out += `, ~${humanDuration((expected - bytes) / rate)} left`;
  return out;
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
  readonly #samples = new Map<string, Array<{ t: number; bytes: number }>>();

  constructor(o: ProgressOptions) {
    this.#sink = o.sink;
    const env = o.env ?? process.env;
    this.#color = o.sink.isTTY && !('NO_COLOR' in env && env.NO_COLOR !== '') && env.TERM !== 'dumb';
    this.#everyMs = o.everyMs ?? 10_000;
    this.#now = o.now ?? Date.now;
    this.#started = this.#now();
    this.#lastLine = this.#started;
  }

  /** Bytes per second of one item over the last RATE_WINDOW_MS, or undefined before two samples. */
  #rate(item: ProgressItem): number | undefined {
    if (item.bytes === undefined) return undefined;
    const now = this.#now();
    const samples = (this.#samples.get(item.label) ?? []).filter((x) => now - x.t <= RATE_WINDOW_MS && x.bytes <= item.bytes!);
    samples.push({ t: now, bytes: item.bytes });
    this.#samples.set(item.label, samples);
    const first = samples[0]!;
    return now > first.t ? ((item.bytes - first.bytes) * 1000) / (now - first.t) : undefined;
  }

  /** The state of every item now; draws or prints when it is time. */
  update(items: ProgressItem[]): void {
    const elapsed = humanDuration((this.#now() - this.#started) / 1000);
    const done = items.filter((i) => i.done).length;
    const busyItems = items.filter((i) => !i.done);
    const rates = new Map(busyItems.map((i) => [i.label, this.#rate(i)]));
    const busy = busyItems.map((i) => `${i.label} ${i.state}${i.bytes !== undefined ? ` ${bytesText(i.bytes, i.expected, rates.get(i.label))}` : ''}`);
    if (this.#sink.isTTY) {
      const width = 20;
      // By bytes where the running jobs' expected sizes are known, else by jobs done.
      const fraction = items.length ? (done + busyItems.reduce((sum, i) => sum + (i.bytes !== undefined && i.expected ? Math.min(0.99, i.bytes / i.expected) : 0), 0)) / items.length : 0;
      const fill = Math.round(fraction * width);
      const bar = `${'#'.repeat(fill)}${'-'.repeat(width - fill)}`;
      const shown = this.#color ? `\x1b[32m${bar.slice(0, fill)}\x1b[2m${bar.slice(fill)}\x1b[0m` : bar;
      const line = `[${shown}] ${done}/${items.length} done, ${elapsed}${busy.length ? ` · ${busy.join(', ')}` : ''}`;
      const max = (this.#sink.columns ?? 80) - 1 + (shown.length - bar.length);
      this.#sink.write(`\r\x1b[2K${line.slice(0, max)}`);
      this.#drawn = true;
      return;
    }
    if (this.#now() - this.#lastLine < this.#everyMs) return;
    this.#lastLine = this.#now();
    this.#sink.write(`… ${elapsed}: ${done}/${items.length} done${busy.length ? `; ${busy.join('; ')}` : ''}\n`);
  }

  /** Clears the bar before the final report is printed. */
  clear(): void {
    if (this.#drawn) this.#sink.write('\r\x1b[2K');
    this.#drawn = false;
  }
}
