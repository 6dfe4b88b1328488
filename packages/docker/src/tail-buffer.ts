// Keeps only the last `limit` bytes written: enough stderr to explain a failure, bounded whatever the tool prints.

export class TailBuffer {
  #chunks: Buffer[] = [];
  #size = 0;
  #dropped = false;
  constructor(readonly limit: number = 64 * 1024) {}

  write(chunk: Buffer): void {
    if (chunk.length >= this.limit) {
      this.#chunks = [Buffer.from(chunk.subarray(chunk.length - this.limit))];
      this.#dropped ||= chunk.length > this.limit || this.#size > 0;
      this.#size = this.limit;
      return;
    }
    // Copy: the chunk may be a view into a socket buffer that is reused.
    this.#chunks.push(Buffer.from(chunk));
    this.#size += chunk.length;
    while (this.#size > this.limit) {
      const first = this.#chunks[0]!;
      const excess = this.#size - this.limit;
      this.#dropped = true;
      if (first.length <= excess) {
        this.#chunks.shift();
        this.#size -= first.length;
      } else {
        this.#chunks[0] = first.subarray(excess);
        this.#size -= excess;
      }
    }
  }

  /** True once anything was dropped from the front. */
  get truncated(): boolean {
    return this.#dropped;
  }

  toString(): string {
    return Buffer.concat(this.#chunks).toString('utf8');
  }
}
