// The controller's HTTP API. Binds to loopback unless configured otherwise; a bearer token guards
// every mutating route, and read routes too when the config says so.
import { createServer, type Server } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from '@baqup/core';
import { ApiHandlerError, errorMessage } from '@baqup/core';
import { matchRoute, readJsonBody, sendJson, type Route } from './router.js';

export interface ApiServerOptions {
  listen: string;
  routes: Route[];
  token?: string;
  protectReads?: boolean;
  logger: Logger;
}

export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(listen);
  if (!m) throw new Error(`api.listen must look like HOST:PORT (e.g. 127.0.0.1:8080), got "${listen}"`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port: Number(m[3]) };
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]!);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True for addresses only this host can reach: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || /^::ffff:127\./i.test(host);
}

/** The start-up warning for an API reachable beyond this host without a token, or undefined when there is none. */
export function exposureWarning(listen: string, hasToken: boolean): string | undefined {
  if (hasToken || isLoopback(parseListen(listen).host)) return undefined;
  return `API listens on ${listen}, reachable beyond this host, without a token: mutating routes are disabled and every read is open; set api.token or api.token_file`;
}

export async function startApiServer(options: ApiServerOptions): Promise<{ server: Server; address: string; close: () => Promise<void> }> {
  const { host, port } = parseListen(options.listen);
  const warning = exposureWarning(options.listen, Boolean(options.token));
  if (warning) options.logger.warn(warning, { listen: options.listen });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = matchRoute(options.routes, req.method ?? 'GET', url.pathname);
    if (!match) return sendJson(res, 404, { error: `no route for ${req.method} ${url.pathname}` });
    const needsToken = match.route.mutating === true || (options.protectReads === true && match.route.open !== true);
    if (needsToken) {
      if (!options.token) return sendJson(res, 403, { error: 'this endpoint is disabled: set api.token or api.token_file in the config to enable it' });
      if (!tokenMatches(req.headers.authorization, options.token)) return sendJson(res, 401, { error: 'missing or wrong bearer token' });
    }
    Promise.resolve(match.route.handler({ req, res, params: match.params, url, body: () => readJsonBody(req) })).catch((err: unknown) => {
      options.logger.error('api handler failed', { path: url.pathname, error: new ApiHandlerError(errorMessage(err), { cause: err }) });
      if (!res.headersSent) sendJson(res, 500, { error: errorMessage(err) });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const address = typeof addr === 'object' && addr ? `${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}` : options.listen;
  return {
    server,
    address,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
