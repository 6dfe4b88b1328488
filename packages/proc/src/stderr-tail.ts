// Keeps the last bytes a child wrote to stderr, so an error can say why the tool failed without
// buffering an unbounded stream. It keeps more than it shows, so a secret cut at the buffer's start
// is still far from the part that is printed after redaction.
import { redact } from '@baqup/core';
import type { Secret } from '@baqup/core';

export class StderrTail {
  #chunks: Buffer[] = [];
  #size = 0;
  constructor(private readonly keepBytes = 16 * 1024) {}

  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    while (this.#size - (this.#chunks[0]?.length ?? 0) >= this.keepBytes) {
      this.#size -= this.#chunks.shift()!.length;
    }
  }

  /** The last `maxChars` characters, redacted, trimmed, whitespace runs collapsed to one line. */
  text(secrets: ReadonlyArray<Secret | string>, maxChars = 1000): string {
    const all = redact(Buffer.concat(this.#chunks).toString('utf8'), secrets);
    return all.slice(-maxChars).replace(/\s+/g, ' ').trim();
  }
}
