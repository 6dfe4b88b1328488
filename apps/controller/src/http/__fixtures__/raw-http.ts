// Raw HTTP over a TCP socket, for requests fetch() refuses to send (malformed request lines, bad escapes, huge or
// duplicated headers, partial requests). Loopback only; every call is bounded by `timeoutMs`.
import { connect } from 'node:net';

export interface RawAnswer {
  /** 0 when the server closed without answering (or the socket failed). */
  status: number;
  head: string;
  body: string;
  closedBy: 'server' | 'timeout' | 'error';
  ms: number;
}

export function rawRequest(port: number, payload: string | Buffer | Array<string | Buffer>, o: { timeoutMs?: number; gapMs?: number } = {}): Promise<RawAnswer> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = '';
    let settled = false;
    const finish = (closedBy: RawAnswer['closedBy']) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const [head = '', ...rest] = data.split('\r\n\r\n');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      resolve({ status: m ? Number(m[1]) : 0, head, body: rest.join('\r\n\r\n'), closedBy, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish('timeout'), o.timeoutMs ?? 5_000);
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (data += d));
    socket.on('end', () => finish('server'));
    socket.on('close', () => finish('server'));
    socket.on('error', () => finish('error'));
    socket.on('connect', () => {
      const parts = Array.isArray(payload) ? payload : [payload];
      let i = 0;
      const next = () => {
        if (settled || i >= parts.length) return;
        socket.write(parts[i++]!, () => (o.gapMs ? setTimeout(next, o.gapMs) : next()));
      };
      next();
    });
  });
}

/** `METHOD target HTTP/1.1` with a Host header and `connection: close`, plus extra header lines and a body. */
export function requestText(method: string, target: string, headers: string[] = [], body = ''): string {
  const lines = [`${method} ${target} HTTP/1.1`, 'host: 127.0.0.1', 'connection: close', ...headers];
  if (body !== '' && !headers.some((h) => /^content-length:/i.test(h))) lines.push(`content-length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
