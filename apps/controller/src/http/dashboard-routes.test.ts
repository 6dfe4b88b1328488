// The built dashboard served from memory: index at /, hashed assets with long caching and gzip, nothing outside
// the files that were there at start, and open even when reads are protected (the page holds no data).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '@baqup/core';
import { buildApi } from './server.js';
import { dashboardRoutes, loadDashboard } from './dashboard-routes.js';

const root = mkdtempSync(join(tmpdir(), 'baqup-dash-'));
mkdirSync(join(root, 'assets'));
const js = `console.log(${JSON.stringify('x'.repeat(4000))});`;
writeFileSync(join(root, 'index.html'), '<!doctype html><script type="module" src="./assets/index-abc.js"></script>');
writeFileSync(join(root, 'assets', 'index-abc.js'), js);
writeFileSync(join(root, 'assets', 'logo.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const api = () => buildApi({ logger: silentLogger, token: 't0ken', protectReads: true, routes: [dashboardRoutes(root)] });

describe('dashboard routes', () => {
  it('serves index.html at / with a CSP and no caching, open although reads are protected', async () => {
    const app = await api();
    const res = await app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.body).toContain('./assets/index-abc.js');
    await app.close();
  });

  it('serves hashed assets immutable, gzipped when the client accepts it', async () => {
    const app = await api();
    const plain = await app.inject({ url: '/assets/index-abc.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toMatch(/immutable/);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(js);
    const gz = await app.inject({ url: '/assets/index-abc.js', headers: { 'accept-encoding': 'br, gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.rawPayload.length).toBeLessThan(js.length / 10);
    expect(gunzipSync(gz.rawPayload).toString()).toBe(js);
    const png = await app.inject({ url: '/assets/logo.png', headers: { 'accept-encoding': 'gzip' } });
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.headers['content-encoding']).toBeUndefined();
    await app.close();
  });

  it('answers only for the files there at start: traversal and unknown names are JSON 404s', async () => {
    const app = await api();
    for (const url of ['/index.html', '/assets/../index.html', '/assets/%2e%2e/index.html', '/assets/nope.js', '/..%2f..%2fetc/passwd']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toMatchObject({ code: 'BAQUP_API_NOT_FOUND' });
    }
    // The API's own routes stay protected beside the open page.
    expect((await app.inject({ url: '/api/containers' })).statusCode).toBe(404);
    await app.close();
  });

  it('registers nothing when the dashboard was not built', async () => {
    expect(loadDashboard(join(root, 'missing')).size).toBe(0);
    const app = await buildApi({ logger: silentLogger, routes: [dashboardRoutes(join(root, 'missing'))] });
    expect((await app.inject({ url: '/' })).statusCode).toBe(404);
    await app.close();
  });
});
