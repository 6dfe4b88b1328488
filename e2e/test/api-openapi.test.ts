// GET /api/openapi.json from the BUILT controller: every route the server registered (its `api.routes` line at
// start, collected by the server's onRoute hook, which refuses a route without a response schema) is in the
// document with the same method, with a JSON schema for each 2xx answer; the document holds no route the server
// does not serve; and docs/health-and-metrics.md's list of routes is exactly what is served.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startControllerProcess, useControllerCleanup } from '../src/controller-process.js';
import { repoRoot } from '../src/paths.js';

useControllerCleanup();

type Operation = { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> };
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>> };

describe('the OpenAPI document of a real controller', () => {
  it('names every registered route with its answers, and nothing else; the docs list the same routes', async () => {
    const ctl = await startControllerProcess({ config: { api: { listen: '127.0.0.1:0', token: 'openapi-e2e-token' } } });
    const line = await ctl.waitForLog((l) => l.event === 'api.routes', 15_000);
    const routes = (line.routes as string[]).slice().sort();
    // The ones this issue and the earlier ones added: an empty or partial ledger would pass the rest.
    expect(routes).toEqual(expect.arrayContaining([
      'GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /api/openapi.json', 'GET /api/containers', 'GET /api/containers/{name}',
      'GET /api/status', 'GET /api/events', 'GET /api/jobs', 'GET /api/jobs/{id}', 'POST /api/backups', 'POST /api/restores',
      'GET /api/runs', 'GET /api/history/targets', 'GET /api/history/days', 'GET /api/history/series', 'GET /api/history/{kind}',
    ]));

    const res = await ctl.request('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body as Doc;
    expect(doc.openapi).toMatch(/^3\./);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`)).sort();
    expect(documented).toEqual(routes);
    for (const route of routes) {
      const [method, path] = route.split(' ') as [string, string];
      const responses = doc.paths[path]![method.toLowerCase()]!.responses ?? {};
      const ok = Object.entries(responses).filter(([status]) => /^2\d\d$/.test(status));
      expect(ok.length, `${route} documents a 2xx answer`).toBeGreaterThan(0);
      for (const [status, r] of ok) {
        const schemas = Object.values(r.content ?? {}).map((c) => c.schema);
        expect(schemas.length > 0 && schemas.every((s) => s !== undefined), `${route} ${status} has a schema`).toBe(true);
      }
    }

    const docs = readFileSync(join(repoRoot, 'docs/health-and-metrics.md'), 'utf8');
    const paragraph = docs.slice(docs.indexOf('Every route of the API'), docs.indexOf('is described, with its'));
    const listed = [...paragraph.matchAll(/`((?:GET|POST|PUT|DELETE|PATCH) \/[^`]*)`/g)].map((m) => m[1]!).sort();
    expect(listed).toEqual(routes);
    expect((await ctl.stop()).code).toBe(0);
  }, 120_000);
});
