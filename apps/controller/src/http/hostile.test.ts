// Hostile input against the real API: the real Fastify app with every real route group, listening on 127.0.0.1,
// driven over raw sockets. Malformed paths and request lines, bodies, headers, methods, slow clients and a bounded
// fuzz run: every answer is a status (never a dead process), no unauthenticated request reaches a mutating handler,
// and the server still answers afterwards. The long run: BAQUP_FUZZ_REQUESTS=100000 BAQUP_FUZZ_SECONDS=600.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControllerConfig, DesiredState } from '@baqup/core';
import { silentLogger } from '@baqup/core';
import type { DockerClient } from '@baqup/docker';
import type { ContainerHolds } from '@baqup/dump';
import type { BackupSources } from '@baqup/restore';
import { StateStore } from '@baqup/state';
import { backupRoutes } from '../backup-routes.js';
import { restoreRoutes } from '../restore-routes.js';
import { healthRoutes } from './health-routes.js';
import { startApiServer, type ApiServer } from './server.js';
import { stateRoutes } from './state-routes.js';
import { fuzzHttp } from './__fixtures__/http-fuzz.js';
import { rawRequest, requestText } from './__fixtures__/raw-http.js';

const TOKEN = 'hostile-test-token';
let server: ApiServer;
let port: number;
let staging: string;
/** Times a mutating handler (or its pre-validation) ran: must stay 0 for requests without the token. */
const reached = { backups: 0, restores: 0 };

beforeAll(async () => {
  staging = mkdtempSync(join(tmpdir(), 'baqup-hostile-'));
  const store = new StateStore('unix:///nowhere.sock');
  const config = { api: { get allow_restore() { reached.restores++; return false; } } } as unknown as ControllerConfig;
  server = await startApiServer({
    listen: '127.0.0.1:0',
    token: TOKEN,
    logger: silentLogger,
    headersTimeoutMs: 1_000,
    requestTimeoutMs: 2_000,
    bodyLimit: 64 * 1024,
    routes: [
      stateRoutes(store),
      backupRoutes(() => (reached.backups++, new Map() as DesiredState), () => undefined),
      restoreRoutes({ config, docker: {} as DockerClient, holds: {} as ContainerHolds, logger: silentLogger, sources: {} as BackupSources }),
      healthRoutes(store, { ping: () => Promise.resolve(), stagingPath: staging, staleUnready: false }),
    ],
  });
  port = Number(server.address.split(':').pop());
});
afterAll(async () => {
  await server?.close();
  rmSync(staging, { recursive: true, force: true });
});

const send = (method: string, target: string, headers: string[] = [], body = '') => rawRequest(port, requestText(method, target, headers, body));
const alive = async () => expect((await send('GET', '/healthz')).status).toBe(200);
const codeOf = (body: string) => (JSON.parse(body) as { code: string }).code;

describe('hostile requests', () => {
  it.each([
    ['/%', 400, 'BAQUP_API_BAD_URL'],
    ['/%zz', 400, 'BAQUP_API_BAD_URL'],
    ['/api/containers/%zz', 400, 'BAQUP_API_BAD_URL'],
    ['/api/containers/%E0%A4%A', 400, 'BAQUP_API_BAD_URL'],
    ['http://[', 400, 'BAQUP_API_BAD_URL'],
    ['//x', 404, 'BAQUP_API_NOT_FOUND'],
    ['/api/containers/', 400, 'BAQUP_API_INVALID_INPUT'],
    ['/api/../etc/passwd', 404, 'BAQUP_API_NOT_FOUND'],
    ['*', 404, 'BAQUP_API_NOT_FOUND'],
  ])('GET %s answers %i %s', async (target, status, code) => {
    const a = await send('GET', target);
    expect([a.status, codeOf(a.body)]).toEqual([status, code]);
    await alive();
  });

  it('absolute-URL request lines are routed by their path, or refused when they do not parse', async () => {
    expect((await send('GET', 'http://127.0.0.1/healthz')).status).toBe(200);
    for (const target of ['http://[/x', 'http://%zz/', 'http://x:99999999/healthz', 'https://[::1/readyz']) {
      const a = await send('GET', target);
      expect([400, 404], target).toContain(a.status);
    }
    await alive();
  });

  it('unknown and odd methods: TRACE and OPTIONS 404, garbage 400 from the parser, in JSON', async () => {
    for (const m of ['TRACE', 'OPTIONS', 'DELETE', 'PUT', 'PATCH', 'PROPFIND']) expect((await send(m, '/api/backups')).status, m).toBe(404);
    for (const m of ['FOO', 'G ET', 'get']) {
      const a = await send(m, '/healthz');
      expect([a.status, codeOf(a.body)], m).toEqual([400, 'BAQUP_API_MALFORMED_REQUEST']);
    }
    await alive();
  });

  it('bodies: invalid JSON, wrong content type and oversize are refused, and without the token before reading them', async () => {
    const auth = `authorization: Bearer ${TOKEN}`;
    const cases: Array<[string[], string, number, string]> = [
      [[auth, 'content-type: application/json'], '{"container":', 400, 'BAQUP_API_BODY_INVALID_JSON'],
      [[auth, 'content-type: text/plain'], '{"container":"x"}', 415, 'BAQUP_API_UNSUPPORTED_MEDIA_TYPE'],
      [[auth, 'content-type: application/json'], JSON.stringify({ container: 'x'.repeat(100_000) }), 413, 'BAQUP_API_BODY_TOO_LARGE'],
      [[auth, 'content-type: application/json'], '{"container":"x","rm":"-rf"}', 400, 'BAQUP_API_INVALID_INPUT'],
      [['content-type: application/json'], '{"container":', 401, 'BAQUP_API_UNAUTHORIZED'],
      [['content-type: application/json'], 'x'.repeat(1_000_000), 401, 'BAQUP_API_UNAUTHORIZED'],
    ];
    for (const [headers, body, status, code] of cases) {
      const a = await send('POST', '/api/backups', headers, body);
      expect([a.status, codeOf(a.body)], `${headers.join(',')} ${body.slice(0, 40)}`).toEqual([status, code]);
    }
    const chunked = await rawRequest(port, `POST /api/backups HTTP/1.1\r\nhost: x\r\nconnection: close\r\n${auth}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n`);
    expect(chunked.status).toBe(400);
    await alive();
  });

  it('headers: huge ones get 431, duplicated content-length 400, duplicated authorization never authenticates', async () => {
    const huge = await send('GET', '/healthz', [`x-big: ${'a'.repeat(64 * 1024)}`]);
    expect([huge.status, codeOf(huge.body)]).toEqual([431, 'BAQUP_API_HEADERS_TOO_LARGE']);
    const many = await send('GET', '/healthz', Array.from({ length: 3000 }, (_, i) => `x-h${i}: 1`));
    expect([200, 431]).toContain(many.status);
    expect((await send('POST', '/api/backups', ['content-type: application/json', 'content-length: 2', 'content-length: 3'], '{}')).status).toBe(400);
    const dup = await send('POST', '/api/backups', ['content-type: application/json', 'authorization: Bearer wrong', `authorization: Bearer ${TOKEN}`], '{"container":"x"}');
    expect(dup.status).toBe(401);
    await alive();
  });

  it('slow clients: headers that trickle in are cut off by the header timeout; a body that never ends by the request timeout', async () => {
    const trickle = Array.from({ length: 40 }, (_, i) => (i === 0 ? 'GET /healthz HTTP/1.1\r\n' : `x-slow-${i}: 1\r\n`));
    const slow = await rawRequest(port, trickle, { gapMs: 150, timeoutMs: 10_000 });
    expect(slow.closedBy).toBe('server');
    expect(slow.ms).toBeLessThan(5_000);
    const stuckBody = await rawRequest(port, `POST /api/backups HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${TOKEN}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"a"`, { timeoutMs: 10_000 });
    expect(stuckBody.closedBy).toBe('server');
    expect(stuckBody.ms).toBeLessThan(6_000);
    // Many idle sockets at once do not keep others out.
    const idle = await Promise.all(Array.from({ length: 60 }, () => rawRequest(port, 'GET /heal', { timeoutMs: 100 })));
    expect(idle.every((a) => a.closedBy === 'timeout')).toBe(true);
    await alive();
  }, 30_000);

  it('without the token no mutating request reaches its handler', () => {
    expect(reached).toEqual({ backups: 0, restores: 0 });
  });
});

describe('bounded fuzz', () => {
  const count = Number(process.env.BAQUP_FUZZ_REQUESTS ?? 3_000);
  const seconds = Number(process.env.BAQUP_FUZZ_SECONDS ?? 15);
  it(`${count} random requests (≤ ${seconds} s): every one answered or closed, none authenticated, the server answers afterwards`, async () => {
    const before = { ...reached };
    // The client waits longer than the server's request timeout (2 s, checked every 1 s): a truncated request must be
    // closed by the server, never left hanging.
    const report = await fuzzHttp(port, { count, durationMs: seconds * 1000, concurrency: 32, timeoutMs: 5_000, ...(process.env.BAQUP_FUZZ_SEED ? { seed: Number(process.env.BAQUP_FUZZ_SEED) } : {}) });
    const context = JSON.stringify(report);
    expect(report.sent, context).toBeGreaterThan(Math.min(count, 500));
    expect(report.mutatingNotRefused, context).toEqual([]);
    expect(reached, context).toEqual(before);
    // A socket the server neither answered nor closed within the client's 5 s would be a hang.
    expect(report.statuses['none/timeout'] ?? 0, context).toBe(0);
    expect(Object.keys(report.statuses).filter((s) => s.startsWith('5')), context).toEqual([]);
    await alive();
    expect((await send('GET', '/readyz')).status).toBe(200);
  }, 60_000 + seconds * 1000);
});
