// Fixtures for the notify e2e tests: a real HTTP server on 127.0.0.1 that plays ntfy (or a webhook receiver),
// and a real @baqup/log JSON logger writing into memory so tests can read every line.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger, type RootLogger } from '@baqup/log';

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeNtfy {
  url: (path?: string) => string;
  port: number;
  /** Every request, including the ones answered with an error status. */
  requests: Received[];
  /** Requests answered 200, i.e. messages the user would see. */
  delivered: Received[];
  /** Status codes for the next requests, in order; 200 once the list is empty. */
  respondWith: (...statuses: number[]) => void;
  waitFor: (count: number, timeoutMs?: number) => Promise<Received[]>;
  close: () => Promise<void>;
}

/** A loopback server that accepts POST /{topic} like ntfy: records each request, answers 200 with a message id. */
export async function startFakeNtfy(): Promise<FakeNtfy> {
  const requests: Received[] = [];
  const delivered: Received[] = [];
  const statuses: number[] = [];
  const waiters: Array<() => void> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(received);
      const status = statuses.shift() ?? 200;
      if (status === 200) delivered.push(received);
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(status === 200 ? JSON.stringify({ id: `m${requests.length}`, event: 'message' }) : '{"error":"nope"}');
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (path = '/topic') => `http://127.0.0.1:${port}${path}`,
    requests,
    delivered,
    respondWith: (...codes) => void statuses.push(...codes),
    waitFor: async (count, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (delivered.length < count) {
        if (Date.now() > deadline) throw new Error(`fake ntfy: ${delivered.length} of ${count} messages within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      return delivered.slice(0, count);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port nothing listens on: bound once, then closed. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface CapturedLog {
  logger: RootLogger;
  lines: string[];
  json: () => Array<Record<string, unknown>>;
}

/** The real JSON logger at debug level, without a redactor: what notify logs on its own must already be clean. */
export function captureLog(): CapturedLog {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level: 'debug', format: 'json', stream: sink, env: {} });
  return { logger, lines, json: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
