// The controller's HTTP API on Fastify. Binds to loopback unless configured otherwise; a bearer token guards every
// mutating route, and read routes too when the config says so (see access.ts). Every route carries a JSON schema
// for its params, query and body, validated before the handler runs; the same schemas make /api/openapi.json.
// Whatever a client sends, the answer is a status and a JSON body: no request can end the process.
import Fastify, { type FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import { Ajv, type Options as AjvOptions } from 'ajv';
import type { Logger } from '@baqup/core';
import { accessHook } from './access.js';
import { clientErrorHandler, errorHandler, errorSchema, frameworkErrors, notFoundHandler } from './errors.js';
import { openApiRoute } from './openapi.js';

/** Registers a group of routes on the app (see state-routes.ts and the others). */
export type RouteGroup = (app: FastifyInstance) => void;

export interface ApiLimits {
  /** Largest accepted request body; default 64 KiB (every body is a small JSON object). */
  bodyLimit?: number;
  /** Time for a client to send the request headers (slowloris bound); default 10 s. */
  headersTimeoutMs?: number;
  /** Time for a client to send the whole request; default 30 s (an answer may take longer: `wait: true`). */
  requestTimeoutMs?: number;
  /** Idle keep-alive sockets are closed after this; default 5 s. */
  keepAliveTimeoutMs?: number;
  /** Connections served at once; more are refused at accept. Default 256. */
  maxConnections?: number;
}

export interface ApiServerOptions extends ApiLimits {
  listen: string;
  routes: RouteGroup[];
  token?: string | undefined;
  protectReads?: boolean | undefined;
  logger: Logger;
  /** Shown as info.version in the OpenAPI document. */
  version?: string;
}

export function parseListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(listen);
  if (!m) throw new Error(`api.listen must look like HOST:PORT (e.g. 127.0.0.1:8080), got "${listen}"`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port: Number(m[3]) };
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

// Bodies are validated strictly (no coercion, unknown fields refused); params and query strings arrive as text,
// so they are coerced to the schema's types ("10" → 10) but still refuse unknown names.
const AJV_BASE: AjvOptions = { allErrors: false, removeAdditional: false, useDefaults: true, strict: true, allowUnionTypes: true };

const served = new WeakMap<FastifyInstance, readonly string[]>();

/** `GET /api/runs`, … for every route the app serves, as /api/openapi.json names them (`:id` as `{id}`). */
export function servedRoutes(app: FastifyInstance): readonly string[] {
  return served.get(app) ?? [];
}

const openApiPath = (url: string): string => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * Every route documents its answers: one registered without a response schema is refused when it is registered
 * (a programming error every test that starts the server meets). The HEAD route Fastify adds beside each GET
 * answers like it and is left out, as @fastify/swagger leaves it out.
 *
 * The one exemption: the dashboard's files (dashboard-routes.ts) are pages, not API. They say so with
 * `config.staticFile: true`, must be GET, hidden from the document and outside /api/, and are counted in `files`.
 */
function routeLedger(app: FastifyInstance): { routes: string[]; files: string[] } {
  const routes: string[] = [];
  const files: string[] = [];
  app.addHook('onRoute', (r) => {
    const methods = [r.method].flat().filter((m) => m !== 'HEAD');
    if (methods.length === 0) return;
    if (r.config?.staticFile === true) {
      if (methods.some((m) => m !== 'GET') || r.url.startsWith('/api/') || r.url === '/api' || (r.schema as { hide?: unknown } | undefined)?.hide !== true) {
        throw new Error(`static file route ${methods.join(',')} ${r.url} must be a GET outside /api/, hidden from /api/openapi.json`);
      }
      files.push(r.url);
      return;
    }
    if (!r.schema?.response) throw new Error(`route ${methods.join(',')} ${r.url} has no response schema: every answer is documented in /api/openapi.json`);
    for (const m of methods) routes.push(`${m} ${openApiPath(r.url)}`);
  });
  return { routes, files };
}

/** The routes the OpenAPI document lacks (none, unless a route hides itself from @fastify/swagger). */
function undocumented(app: FastifyInstance, routes: readonly string[]): string[] {
  const paths = (app.swagger() as { paths?: Record<string, Record<string, unknown>> }).paths ?? {};
  return routes.filter((r) => {
    const [method, path] = r.split(' ') as [string, string];
    return paths[path]?.[method.toLowerCase()] === undefined;
  });
}

/** The Fastify app with every route registered, not listening: tests inject into it or listen on port 0. */
export async function buildApi(options: Omit<ApiServerOptions, 'listen'>): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 5_000,
    connectionTimeout: 0,
    forceCloseConnections: true,
    // Node checks header and request timeouts on this interval; the default 30 s would let a slow client hold
    // a socket for up to 30 s past its deadline.
    http: { headersTimeout: options.headersTimeoutMs ?? 10_000, connectionsCheckingInterval: 1_000 },
    return503OnClosing: true,
    routerOptions: { maxParamLength: 512, ignoreTrailingSlash: false, ignoreDuplicateSlashes: false },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    frameworkErrors,
    clientErrorHandler,
  });
  app.server.maxConnections = options.maxConnections ?? 256;
  const bodyAjv = new Ajv({ ...AJV_BASE, coerceTypes: false });
  const textAjv = new Ajv({ ...AJV_BASE, coerceTypes: true });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : textAjv).compile(schema));
  // Response schemas document the answers (OpenAPI); they do not filter them. Pretty JSON, as `curl` users read it.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data, null, 2));
  app.setErrorHandler(errorHandler(options.logger));
  app.setNotFoundHandler(notFoundHandler);
  // Only JSON bodies: a form or text body is refused with 415 instead of being half-understood.
  app.removeContentTypeParser('text/plain');
  app.addSchema(errorSchema);
  app.addHook('onRequest', accessHook(options));
  const { routes, files } = routeLedger(app);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'baqup controller API', version: options.version ?? '0.0.0', description: 'Generated from the route schemas. Mutating routes need `Authorization: Bearer <api.token>`; reads too with `api.protect_reads`.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  openApiRoute(app);
  for (const group of options.routes) group(app);
  await app.ready();
  const missing = undocumented(app, routes);
  if (missing.length > 0) {
    await app.close();
    throw new Error(`routes missing from /api/openapi.json: ${missing.join(', ')}`);
  }
  served.set(app, routes);
  options.logger.debug('API routes registered, each in /api/openapi.json', { event: 'api.routes', routes, files: files.length });
  return app;
}

export interface ApiServer {
  app: FastifyInstance;
  address: string;
  close: () => Promise<void>;
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { host, port } = parseListen(options.listen);
  const warning = exposureWarning(options.listen, Boolean(options.token));
  if (warning) options.logger.warn(warning, { listen: options.listen });
  const app = await buildApi(options);
  await app.listen({ host, port, listenTextResolver: () => '' });
  const addr = app.server.address();
  const address = typeof addr === 'object' && addr ? `${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}` : options.listen;
  return { app, address, close: () => app.close() };
}
