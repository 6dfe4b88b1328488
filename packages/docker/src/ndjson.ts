// Docker's events endpoint streams one JSON object per line, but TCP/HTTP chunking has no respect for lines:
// one chunk may end mid-line (even mid-UTF-8 character) or carry several lines.
import { StringDecoder } from 'node:string_decoder';

/** Splits a byte stream into complete lines; keeps the unfinished tail until the next chunk. */
export class NdjsonSplitter {
  readonly #decoder = new StringDecoder('utf8');
  #pending = '';

  /** Feed a chunk; returns the complete, non-empty lines it finished. */
  push(chunk: Buffer | string): string[] {
    this.#pending += typeof chunk === 'string' ? chunk : this.#decoder.write(chunk);
    const parts = this.#pending.split('\n');
    this.#pending = parts.pop() ?? '';
    return parts.map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
  }

  /** End of stream: the last line, if it was not newline-terminated. */
  end(): string[] {
    const rest = (this.#pending + this.#decoder.end()).replace(/\r$/, '');
    this.#pending = '';
    return rest.trim() === '' ? [] : [rest];
  }
}
