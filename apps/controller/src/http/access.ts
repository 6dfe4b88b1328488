// Who may call a route. Every route declares `config.access`: `mutating` routes always need the bearer token (and
// are disabled without one), `read` routes need it when the config protects reads, `open` routes (health probes)
// never do. Checked in onRequest: a refused request is never parsed, let alone validated or handled.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiErrorBody } from './errors.js';
import { ApiDisabledError, ApiUnauthorizedError } from '@baqup/core';

export type Access = 'open' | 'read' | 'mutating';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** A dashboard file, not an API route: exempt from the response-schema rule (see server.ts's routeLedger). */
    staticFile?: boolean;
  }
}

export function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer (.+)$/.exec(header ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]!);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface AccessOptions {
  token?: string | undefined;
  protectReads?: boolean | undefined;
}

/** The refusal for `access` with this Authorization header, or undefined when the request may go on. */
export function refusal(access: Access, authorization: string | undefined, o: AccessOptions): { status: number; body: ApiErrorBody } | undefined {
  const needsToken = access === 'mutating' || (access === 'read' && o.protectReads === true);
  if (!needsToken) return undefined;
  if (!o.token) return { status: 403, body: { error: 'this endpoint is disabled: set api.token or api.token_file in the config to enable it', code: ApiDisabledError.code } };
  if (!tokenMatches(authorization, o.token)) return { status: 401, body: { error: 'missing or wrong bearer token (send authorization: Bearer <api.token>)', code: ApiUnauthorizedError.code } };
  return undefined;
}

export function accessHook(o: AccessOptions) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    // Unmatched requests (404) have no route config; a route that forgot to declare its access counts as mutating.
    if (req.is404) return;
    const access = req.routeOptions.config.access ?? 'mutating';
    const refused = refusal(access, req.headers.authorization, o);
    if (refused) {
      if (refused.status === 401) void reply.header('www-authenticate', 'Bearer');
      await reply.code(refused.status).send(refused.body);
    }
  };
}
