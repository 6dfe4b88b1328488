import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '@baqup/core';
import { sendJson } from './router.js';
import { parseListen, startApiServer } from './server.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function serve(token?: string, protectReads = false) {
  const s = await startApiServer({
    listen: '127.0.0.1:0',
    token,
    protectReads,
    logger: silentLogger,
    routes: [
      { method: 'GET', path: '/api/things/:name', handler: ({ res, params }) => sendJson(res, 200, { name: params.name }) },
      { method: 'POST', path: '/api/things', mutating: true, handler: async ({ res, body }) => sendJson(res, 202, await body()) },
    ],
  });
  closers.push(s.close);
  return `http://${s.address}`;
}

describe('api server', () => {
  it('parses listen addresses and rejects nonsense with the key name', () => {
    expect(parseListen('127.0.0.1:8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseListen('[::1]:9')).toEqual({ host: '::1', port: 9 });
    expect(parseListen(':8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(() => parseListen('8080')).toThrow(/api.listen/);
  });

  it('serves read routes with params, 404s unknown ones', async () => {
    const base = await serve();
    expect(await (await fetch(`${base}/api/things/a%20b`)).json()).toEqual({ name: 'a b' });
    expect((await fetch(`${base}/api/nope`)).status).toBe(404);
  });

  it('disables mutating routes without a token and requires it when set', async () => {
    const off = await serve();
    expect((await fetch(`${off}/api/things`, { method: 'POST', body: '{}' })).status).toBe(403);
    const on = await serve('s3cret');
    expect((await fetch(`${on}/api/things`, { method: 'POST', body: '{"a":1}' })).status).toBe(401);
    const ok = await fetch(`${on}/api/things`, { method: 'POST', body: '{"a":1}', headers: { authorization: 'Bearer s3cret' } });
    expect(ok.status).toBe(202);
    expect(await ok.json()).toEqual({ a: 1 });
  });

  it('protects read routes when asked to', async () => {
    const base = await serve('s3cret', true);
    expect((await fetch(`${base}/api/things/x`)).status).toBe(401);
    expect((await fetch(`${base}/api/things/x`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
  });
});
