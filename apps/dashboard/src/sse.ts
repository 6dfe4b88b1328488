// A Server-Sent Events parser (the WHATWG event-stream format): text in, events out. The dashboard reads the
// stream with fetch, not EventSource, because EventSource cannot send an Authorization header.
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

export class SseParser {
  #buffer = '';
  #event = '';
  #data: string[] = [];
  #id: string | undefined;
  /** The id of the last event dispatched (what Last-Event-ID sends on reconnect). */
  lastEventId: string | undefined;

  feed(chunk: string): SseEvent[] {
    this.#buffer += chunk;
    const out: SseEvent[] = [];
    let nl: number;
    while ((nl = this.#buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.#buffer.slice(0, nl);
      const width = this.#buffer.startsWith('\r\n', nl) ? 2 : 1;
      // A lone \r at the end may be the first half of \r\n: wait for the next chunk.
      if (width === 1 && this.#buffer[nl] === '\r' && nl === this.#buffer.length - 1) break;
      this.#buffer = this.#buffer.slice(nl + width);
      this.#line(line, out);
    }
    return out;
  }

  #line(line: string, out: SseEvent[]): void {
    if (line === '') {
      if (this.#id !== undefined) this.lastEventId = this.#id;
      if (this.#data.length > 0) out.push({ event: this.#event || 'message', data: this.#data.join('\n'), ...(this.lastEventId !== undefined ? { id: this.lastEventId } : {}) });
      this.#event = '';
      this.#data = [];
      this.#id = undefined;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#event = value;
    else if (field === 'data') this.#data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
  }
}
