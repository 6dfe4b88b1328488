// A bounded, seeded fuzz of the HTTP API over raw sockets (loopback only). Requests mix the real routes with broken
// request lines, escapes, methods, headers and bodies; none carries the right token, so every mutating request must
// be refused. Stops after `count` requests or `durationMs`, whichever comes first.
import { rawRequest, requestText, type RawAnswer } from './raw-http.js';
import { seededRandom as prng } from '@baqup/core/testing';

export { seededRandom as prng } from '@baqup/core/testing';

export const MUTATING_ROUTES = ['/api/backups', '/api/restores', '/api/verifications', '/api/notifications/test'];
const PATHS = ['/', '/healthz', '/readyz', '/metrics', '/api/openapi.json', '/api/containers', '/api/containers/db', '/api/events', '/api/status', '/api/jobs', '/api/jobs/x', '/api/jobs/x/logs', '/api/backups?container=db', '/api/backups/prune-preview?container=db&target=x', '/api/unprotected', '/api/config', '/api/containers/db/labels', ...MUTATING_ROUTES];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'CONNECT', 'PROPFIND', 'get', 'G ET', 'FOO', 'M-SEARCH', ''];
const NASTY = ['%', '%zz', '%E0%A4%A', '%00', '%2e%2e/', '//', '/..', '\u00ff', '?', '#', '%%', '%u0041', '\\', ';', '*', '[', 'http://[', '~', ' ', '\t', '%0d%0a'];
const BODIES = ['{', '{}', '[]', 'null', '"x"', '{"container":"db"}', '{"container":"db","wait":true}', '{"container":1}', '{"__proto__":{"a":1}}', '{"constructor":{"prototype":{}}}', '\u0000\u0001', '{"container":"db","target":"' + 'x'.repeat(300) + '"}', 'a=1&b=2'];
const TYPES = ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', '', 'application/jsonx', '*/*'];
const AUTHS = ['', 'authorization: Bearer', 'authorization: Bearer wrong', 'authorization: Basic YTpi', 'authorization: bearer x', 'authorization: Bearer ' + 'A'.repeat(5000), 'authorization: Bearer wrong\r\nauthorization: Bearer wrong2'];

export interface FuzzCase {
  payload: string | Buffer;
  method: string;
  path: string;
  mutating: boolean;
}

export function fuzzCase(rand: () => number): FuzzCase {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const method = rand() < 0.6 ? pick(['GET', 'POST']) : pick(METHODS);
  let path = pick(PATHS);
  if (rand() < 0.5) {
    const at = Math.floor(rand() * (path.length + 1));
    path = path.slice(0, at) + pick(NASTY) + path.slice(at);
  }
  if (rand() < 0.15) path = pick(['http://x', 'http://[', 'https://127.0.0.1:1', '//evil', '']) + path;
  if (rand() < 0.1) path += `?${pick(['a=1', 'a=%zz', 'a[b]=1', '=', '&&&', 'limit=-1', 'x'.repeat(3000)])}`;
  const headers: string[] = [];
  const auth = pick(AUTHS);
  if (auth) headers.push(auth);
  const type = pick(TYPES);
  if (type && rand() < 0.8) headers.push(`content-type: ${type}`);
  if (rand() < 0.1) headers.push(`x-pad: ${'p'.repeat(Math.floor(rand() * 40_000))}`);
  if (rand() < 0.1) headers.push('content-length: 5', 'content-length: 7');
  if (rand() < 0.05) headers.push('transfer-encoding: chunked');
  if (rand() < 0.05) headers.push('bad header line');
  let body = method === 'GET' && rand() < 0.8 ? '' : pick(BODIES);
  if (rand() < 0.05) body = 'x'.repeat(100_000 + Math.floor(rand() * 100_000));
  let payload: string | Buffer = requestText(method, path, headers, body);
  if (rand() < 0.1) {
    // Random bytes flipped anywhere, request line included.
    const bytes = Buffer.from(payload, 'latin1');
    for (let i = 0, n = 1 + Math.floor(rand() * 8); i < n; i++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
    payload = bytes;
  } else if (rand() < 0.05) payload = payload.slice(0, Math.floor(rand() * payload.length));
  const mutating = method === 'POST' && MUTATING_ROUTES.includes(path.split('?')[0]!);
  return { payload, method, path, mutating };
}

export interface FuzzReport {
  seed: number;
  sent: number;
  statuses: Record<string, number>;
  /** Answers to a well-formed POST on a mutating route that were not 401/403 (must stay empty). */
  mutatingNotRefused: Array<{ path: string; status: number }>;
  elapsedMs: number;
}

export async function fuzzHttp(port: number, o: { count: number; durationMs: number; seed?: number; concurrency?: number; timeoutMs?: number }): Promise<FuzzReport> {
  const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);
  const rand = prng(seed);
  const report: FuzzReport = { seed, sent: 0, statuses: {}, mutatingNotRefused: [], elapsedMs: 0 };
  const started = Date.now();
  const worker = async () => {
    while (report.sent < o.count && Date.now() - started < o.durationMs) {
      report.sent++;
      const c = fuzzCase(rand);
      const a: RawAnswer = await rawRequest(port, c.payload, { timeoutMs: o.timeoutMs ?? 2_000 });
      const key = a.status === 0 ? `none/${a.closedBy}` : String(a.status);
      report.statuses[key] = (report.statuses[key] ?? 0) + 1;
      // A 2xx to a mutating route without the token is the failure this fuzz exists to catch; 400/404/413/431 for
      // a request the parser could not take as that route are fine.
      if (c.mutating && a.status >= 200 && a.status < 300) report.mutatingNotRefused.push({ path: c.path, status: a.status });
    }
  };
  await Promise.all(Array.from({ length: o.concurrency ?? 8 }, worker));
  report.elapsedMs = Date.now() - started;
  return report;
}
