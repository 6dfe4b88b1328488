// The API server on 127.0.0.1 with small route groups: routing, params, token rules, validation answers naming the
// field, body and content-type limits, and the OpenAPI document built from the schemas.
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { silentLogger } from '@baqup/core';
import { buildApi, parseListen, servedRoutes, startApiServer, type ApiServerOptions, type RouteGroup } from './server.js';
import { strictObject } from './schemas.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

const anything = { 200: { type: 'object', additionalProperties: true } } as const;
const things: RouteGroup = (app: FastifyInstance) => {
  app.get<{ Params: { name: string } }>('/api/things/:name', { config: { access: 'read' }, schema: { params: strictObject({ name: { type: 'string', minLength: 1 } }, ['name']), response: anything } }, async (req) => ({ name: req.params.name }));
  app.get<{ Querystring: { limit?: number } }>('/api/things', { config: { access: 'read' }, schema: { querystring: strictObject({ limit: { type: 'integer', minimum: 1, maximum: 100 } }), response: anything } }, async (req) => ({ limit: req.query.limit ?? null }));
  app.post('/api/things', {
    config: { access: 'mutating' },
    schema: { body: strictObject({ a: { type: 'integer' }, kind: { type: 'string', enum: ['x', 'y'] }, nested: strictObject({ b: { type: 'boolean' } }) }, ['a']), response: { 202: { type: 'object', additionalProperties: true } } },
  }, async (req, reply) => reply.code(202).send(req.body));
  app.get('/open', { config: { access: 'open' }, schema: { response: anything } }, async () => ({ ok: true }));
  app.get('/boom', { config: { access: 'read' }, schema: { response: anything } }, async () => {
    throw new Error('handler exploded');
  });
};

async function serve(token?: string, protectReads = false, extra: Partial<ApiServerOptions> = {}) {
  const s = await startApiServer({ listen: '127.0.0.1:0', token, protectReads, logger: silentLogger, routes: [things], ...extra });
  closers.push(s.close);
  return `http://${s.address}`;
}

const json = (body: unknown, headers: Record<string, string> = {}) => ({ method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });

describe('api server', () => {
  it('parses listen addresses and rejects nonsense with the key name', () => {
    expect(parseListen('127.0.0.1:8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseListen('[::1]:9')).toEqual({ host: '::1', port: 9 });
    expect(parseListen(':8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(() => parseListen('8080')).toThrow(/api.listen/);
  });

  it('serves read routes with params, 404s unknown ones with the JSON error shape', async () => {
    const base = await serve();
    expect(await (await fetch(`${base}/api/things/a%20b`)).json()).toEqual({ name: 'a b' });
    const nope = await fetch(`${base}/api/nope`);
    expect(nope.status).toBe(404);
    expect(await nope.json()).toEqual({ error: 'no route for GET /api/nope', code: 'BAQUP_API_NOT_FOUND' });
    expect((await fetch(`${base}/api/things/x`, { method: 'DELETE' })).status).toBe(404);
  });

  it('disables mutating routes without a token and requires it when set', async () => {
    const off = await serve();
    const disabled = await fetch(`${off}/api/things`, json({ a: 1 }));
    expect(disabled.status).toBe(403);
    expect(await disabled.json()).toMatchObject({ code: 'BAQUP_API_DISABLED', error: expect.stringMatching(/api\.token/) });
    const on = await serve('s3cret');
    expect((await fetch(`${on}/api/things`, json({ a: 1 }))).status).toBe(401);
    expect((await fetch(`${on}/api/things`, json({ a: 1 }, { authorization: 'Bearer s3cre' }))).status).toBe(401);
    expect((await fetch(`${on}/api/things`, json({ a: 1 }, { authorization: 's3cret' }))).status).toBe(401);
    const ok = await fetch(`${on}/api/things`, json({ a: 1 }, { authorization: 'Bearer s3cret' }));
    expect(ok.status).toBe(202);
    expect(await ok.json()).toEqual({ a: 1 });
  });

  it('refuses an unauthenticated body before parsing it (401, not 400 or 413)', async () => {
    const base = await serve('s3cret');
    expect((await fetch(`${base}/api/things`, { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json' } })).status).toBe(401);
    expect((await fetch(`${base}/api/things`, { method: 'POST', body: 'x'.repeat(200_000), headers: { 'content-type': 'application/json' } })).status).toBe(401);
  });

  it('protects read routes when asked to, never open ones', async () => {
    const base = await serve('s3cret', true);
    expect((await fetch(`${base}/api/things/x`)).status).toBe(401);
    expect((await fetch(`${base}/api/things/x`, { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
    expect((await fetch(`${base}/open`)).status).toBe(200);
  });

  it('answers bad input with 400 naming the field', async () => {
    const base = await serve('t');
    const auth = { authorization: 'Bearer t' };
    const cases: Array<[unknown, string, RegExp]> = [
      [{}, 'body.a', /body\.a is required/],
      [{ a: 'one' }, 'body.a', /body\.a must be integer/],
      [{ a: 1, b: 2 }, 'body.b', /body\.b is not a known field/],
      [{ a: 1, kind: 'z' }, 'body.kind', /body\.kind must be one of "x", "y"/],
      [{ a: 1, nested: { b: 'yes' } }, 'body.nested.b', /body\.nested\.b must be boolean/],
      [[1], 'body', /body must be object/],
      ['text', 'body', /body must be object/],
    ];
    for (const [body, field, message] of cases) {
      const res = await fetch(`${base}/api/things`, json(body, auth));
      const answer = (await res.json()) as { error: string; code: string; field: string };
      expect([res.status, answer.code, answer.field], JSON.stringify(body)).toEqual([400, 'BAQUP_API_INVALID_INPUT', field]);
      expect(answer.error).toMatch(message);
    }
    const q = await fetch(`${base}/api/things?limit=1000`);
    expect([q.status, ((await q.json()) as { field: string }).field]).toEqual([400, 'query.limit']);
    expect(await (await fetch(`${base}/api/things?limit=7`)).json()).toEqual({ limit: 7 });
    const unknownQuery = await fetch(`${base}/api/things?bogus=1`);
    expect([unknownQuery.status, ((await unknownQuery.json()) as { field: string }).field]).toEqual([400, 'query.bogus']);
  });

  it('takes only JSON bodies, within the body limit; invalid JSON and prototype poisoning are 400', async () => {
    const base = await serve('t', false, { bodyLimit: 1024 });
    const auth = { authorization: 'Bearer t' };
    const post = (body: string, type?: string) => fetch(`${base}/api/things`, { method: 'POST', body, headers: { ...auth, ...(type ? { 'content-type': type } : {}) } });
    const expectError = async (res: Response, status: number, code: string) => expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([status, code]);
    await expectError(await post('{"a":1}', 'text/plain'), 415, 'BAQUP_API_UNSUPPORTED_MEDIA_TYPE');
    await expectError(await post('a=1', 'application/x-www-form-urlencoded'), 415, 'BAQUP_API_UNSUPPORTED_MEDIA_TYPE');
    await expectError(await post('{"a":', 'application/json'), 400, 'BAQUP_API_BODY_INVALID_JSON');
    await expectError(await post('', 'application/json'), 400, 'BAQUP_API_BODY_EMPTY');
    await expectError(await post('{"a":1,"__proto__":{"x":1}}', 'application/json'), 400, 'BAQUP_API_BODY_INVALID_JSON');
    await expectError(await post(JSON.stringify({ a: 1, pad: 'x'.repeat(2000) }), 'application/json'), 413, 'BAQUP_API_BODY_TOO_LARGE');
    expect((await post('{"a":1}', 'application/json; charset=utf-8')).status).toBe(202);
  });

  it('a handler that throws answers 500 in the JSON shape and the server goes on', async () => {
    const base = await serve();
    const res = await fetch(`${base}/boom`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'handler exploded', code: 'BAQUP_API_HANDLER' });
    expect((await fetch(`${base}/open`)).status).toBe(200);
  });

  it('serves an OpenAPI document generated from the registered schemas', async () => {
    const base = await serve();
    const res = await fetch(`${base}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }>; requestBody?: { content: Record<string, { schema: { required: string[] } }> } }>> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/openapi.json', '/api/things', '/api/things/{name}', '/boom', '/open']);
    expect(doc.paths['/api/things/{name}']!.get!.parameters).toContainEqual(expect.objectContaining({ name: 'name', in: 'path' }));
    expect(doc.paths['/api/things']!.post!.requestBody!.content['application/json']!.schema.required).toEqual(['a']);
  });

  it('lists every route it serves, each in the OpenAPI document, and refuses a route without a response schema', async () => {
    const app = await buildApi({ logger: silentLogger, routes: [things] });
    closers.push(() => app.close());
    expect([...servedRoutes(app)].sort()).toEqual(['GET /api/openapi.json', 'GET /api/things', 'GET /api/things/{name}', 'GET /boom', 'GET /open', 'POST /api/things']);
    const undocumented: RouteGroup = (a) => {
      a.get('/api/secret-shape', { config: { access: 'read' } }, async () => ({ x: 1 }));
    };
    await expect(buildApi({ logger: silentLogger, routes: [things, undocumented] })).rejects.toThrow('route GET /api/secret-shape has no response schema');
    const hidden: RouteGroup = (a) => {
      a.get('/api/hidden', { config: { access: 'read' }, schema: { hide: true, response: anything } }, async () => ({ x: 1 }));
    };
    await expect(buildApi({ logger: silentLogger, routes: [hidden] })).rejects.toThrow('routes missing from /api/openapi.json: GET /api/hidden');
  });
});
