// The dashboard (apps/dashboard, built by Vite) at / on the API's own port. Its files are read once at start and
// kept in memory with their gzip (a few hundred KB), so serving them costs no disk reads and nothing the client
// names reaches the filesystem: only the files that were there at start have routes. They are `open`: the page
// holds no data; the API calls it makes follow api.protect_reads and need the token for actions.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RouteGroup } from './server.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

// The page may talk only to its own origin; no frame may embed it (clickjacking an action button).
const CSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

interface StaticFile {
  body: Buffer;
  gzip?: Buffer;
  type: string;
  /** Vite's hashed assets never change under a name; index.html always revalidates. */
  immutable: boolean;
}

/** Every file under `root` by URL path (`/assets/index-abc.js`), `/` for index.html; empty when `root` is missing. */
export function loadDashboard(root: string): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (st.isFile()) {
        const type = TYPES[extname(name)] ?? 'application/octet-stream';
        const body = readFileSync(path);
        const gz = /^(text|application\/json|image\/svg)/.test(type) && body.length > 1024 ? gzipSync(body, { level: 9 }) : undefined;
        const url = `/${relative(root, path).split(sep).join('/')}`;
        files.set(url === '/index.html' ? '/' : url, { body, type, immutable: url.startsWith('/assets/'), ...(gz && gz.length < body.length ? { gzip: gz } : {}) });
      }
    }
  };
  walk(root);
  return files;
}

function send(file: StaticFile, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  void reply
    .header('content-type', file.type)
    .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer');
  if (file.type.startsWith('text/html')) void reply.header('content-security-policy', CSP).header('x-frame-options', 'DENY');
  if (file.gzip) {
    void reply.header('vary', 'accept-encoding');
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(file.gzip);
  }
  return reply.send(file.body);
}

/** Routes for the built dashboard in `root` (a missing or empty directory registers none: `/` is then a 404). */
export function dashboardRoutes(root: string | undefined): RouteGroup {
  const files = root ? loadDashboard(root) : new Map<string, StaticFile>();
  return (app: FastifyInstance) => {
    for (const [url, file] of files) {
      if (url.startsWith('/api/')) continue;
      app.get(url, { config: { access: 'open', staticFile: true }, schema: { hide: true } }, async (req, reply) => send(file, req, reply));
    }
  };
}
