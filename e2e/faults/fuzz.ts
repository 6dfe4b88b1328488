// Malformed HTTP requests over raw loopback sockets, from a seeded PRNG: broken request lines, bad percent-escapes,
// absolute and garbage URLs, odd methods and headers, bodies of every wrong shape, huge and slow requests. Bounded
// by a count and a time budget; each socket is destroyed after a short deadline, so a run always ends by itself.
import { connect } from 'node:net';
import { prng } from './world.js';

export interface FuzzResult {
  sent: number;
  /** Mutating requests without (or with a wrong) token that got a 2xx answer. */
  acceptedWithoutToken: string[];
  /** Status line counts (`HTTP/1.1 400` → 400), `none` when the socket closed without an answer. */
  statuses: Record<string, number>;
  /** The last requests sent (first line), for the report when the controller died. */
  recent: string[];
  elapsedMs: number;
}

const PATHS = ['/', '/healthz', '/readyz', '/metrics', '/api/containers', '/api/containers/x', '/api/status', '/api/events', '/api/backups', '/api/restores', '/api/nope'];
const BAD_PATHS = [
  '/%', '/%zz', '/%E0%A4%A', '/api/containers/%', '/api/containers/%ff%fe', '/api/containers/%00', '/api/%2e%2e/%2e%2e/etc/passwd',
  '//', '/..', '/api/containers/../../x', '/?a=%', '/?%=%', '/api/containers?x=%E0%A4%A', '*', '', ' ', 'http://[::1', 'http://a:b@/',
  'http://%/', 'http://127.0.0.1:99999/api/containers', 'https://x/%', '//evil.example/api/backups', '/\u00e9\u4e2d', '/\ud800',
  '/api/containers/' + 'a'.repeat(9000), '/' + '%41'.repeat(3000), '/api/containers/__proto__', '/api/containers/constructor',
];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'CONNECT', 'PROPFIND', 'get', 'G E T', 'X'.repeat(300), ''];
const BODIES = [
  '', '{', '}', 'null', '[]', '"x"', '1', 'true', '{"container":1}', '{"container":null,"target":[]}', '{"container":"x","wait":"yes"}',
  '{"__proto__":{"admin":true},"container":"x"}', '{"constructor":{"prototype":{"x":1}}}', '{"container":"' + 'a'.repeat(70000) + '"}',
  '{"container":"\\ud800"}', '\u0000\u0001\u0002', 'container=x&target=y', '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}',
];
const HEADERS = [
  'Content-Type: application/json', 'Content-Type: text/plain', 'Content-Type: application/json; charset=utf-16', 'Content-Type: ',
  'Content-Length: -1', 'Content-Length: 99999999999', 'Content-Length: abc', 'Transfer-Encoding: chunked', 'Transfer-Encoding: gzip, chunked',
  'Authorization: Bearer', 'Authorization: Bearer wrong', 'Authorization: Basic Zm9vOmJhcg==', 'Authorization: ' + 'x'.repeat(9000),
  'Host: ', 'Host: [::1', 'Expect: 100-continue', 'Connection: upgrade', 'Upgrade: websocket', 'X-Forwarded-For: 1.2.3.4',
  'Accept: */*', 'Cookie: a=%', 'Range: bytes=0-', 'Content-Encoding: gzip', 'Bad Header: x', ': empty-name', 'X: \u00ff\u00fe',
];
const MUTATING = new Set(['POST', 'PUT', 'DELETE', 'PATCH']);

function request(r: ReturnType<typeof prng>): { raw: Buffer; first: string; mutating: boolean; slow: boolean } {
  const kind = r.int(10);
  const method = kind < 4 ? r.pick(['GET', 'POST']) : r.pick(METHODS);
  const path = r.next() < 0.5 ? r.pick(BAD_PATHS) : r.pick(PATHS) + (r.next() < 0.2 ? r.pick(['?', '?x=1', '?x=%', '#frag', '/']) : '');
  const version = r.next() < 0.9 ? 'HTTP/1.1' : r.pick(['HTTP/1.0', 'HTTP/2.0', 'HTTP/9', 'HTTPS/1.1', '', 'HTTP/1.1 extra']);
  const headers = ['Host: 127.0.0.1'];
  for (let i = r.int(4); i > 0; i--) headers.push(r.pick(HEADERS));
  let body = r.next() < 0.6 ? r.pick(BODIES) : '';
  if (kind === 9) body = 'x'.repeat(2_000_000 + r.int(1000)); // a big body (the route must cap it)
  const chunked = headers.some((h) => h.startsWith('Transfer-Encoding: chunked'));
  if (!headers.some((h) => h.startsWith('Content-Length')) && !chunked && body) headers.push(`Content-Length: ${Buffer.byteLength(body)}`);
  if (chunked) body = r.next() < 0.5 ? `zz\r\n${body}\r\n0\r\n\r\n` : `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
  let text = `${method} ${path} ${version}\r\n${headers.join('\r\n')}\r\n\r\n${body}`;
  if (r.next() < 0.05) text = Buffer.from(Array.from({ length: 1 + r.int(200) }, () => r.int(256))).toString('latin1'); // raw noise
  if (r.next() < 0.03) text = text.replace(/\r\n/g, '\n'); // bare LF
  if (r.next() < 0.03) text = text.slice(0, r.int(text.length)); // cut short
  return { raw: Buffer.from(text, 'latin1'), first: text.split('\n')[0]!.slice(0, 120), mutating: MUTATING.has(method), slow: r.next() < 0.02 };
}

function send(host: string, port: number, req: ReturnType<typeof request>, deadlineMs: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, host);
    let got = '';
    const done = () => {
      clearTimeout(t);
      s.destroy();
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(got);
      resolve(m ? m[1]! : 'none');
    };
    const t = setTimeout(done, deadlineMs);
    s.on('error', done);
    s.on('close', done);
    s.on('data', (c: Buffer) => {
      got += c.toString('latin1');
      if (got.includes('\r\n')) done();
    });
    s.on('connect', () => {
      if (!req.slow) return void s.write(req.raw, () => undefined);
      // Slow: a byte every 50 ms (a slowloris client), the socket deadline ends it.
      let i = 0;
      const drip = setInterval(() => {
        if (i >= req.raw.length || s.destroyed) return clearInterval(drip);
        s.write(req.raw.subarray(i, ++i));
      }, 50);
      s.once('close', () => clearInterval(drip));
    });
  });
}

/** Sends up to `count` requests (`parallel` at a time) for at most `budgetMs`; stops early when `stop()` says so. */
export async function fuzzHttp(api: string, opts: { seed: number; count: number; budgetMs: number; parallel?: number; stop?: () => boolean }): Promise<FuzzResult> {
  const [host, portText] = [api.slice(0, api.lastIndexOf(':')), api.slice(api.lastIndexOf(':') + 1)];
  const port = Number(portText);
  const r = prng(opts.seed);
  const res: FuzzResult = { sent: 0, acceptedWithoutToken: [], statuses: {}, recent: [], elapsedMs: 0 };
  const t0 = Date.now();
  const worker = async () => {
    while (res.sent < opts.count && Date.now() - t0 < opts.budgetMs && !opts.stop?.()) {
      const req = request(r);
      res.sent++;
      res.recent.push(req.first);
      if (res.recent.length > 8) res.recent.shift();
      const status = await send(host, port, req, req.slow ? 2_000 : 5_000);
      res.statuses[status] = (res.statuses[status] ?? 0) + 1;
      // No fuzz request carries the real token: a 2xx on a mutating route is an unauthenticated write.
      if (req.mutating && /^2\d\d$/.test(status) && /\/api\/(backups|restores)/.test(req.first)) res.acceptedWithoutToken.push(`${status} ${req.first}`);
    }
  };
  await Promise.all(Array.from({ length: opts.parallel ?? 6 }, worker));
  res.elapsedMs = Date.now() - t0;
  return res;
}
