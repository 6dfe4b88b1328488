// POST /api/drills: one drill now, answered when it is over (the report, with the restore time); GET /api/drills:
// each target's drill status (verified, failed, not_verified after drills.max_age_days, never).
import type { FastifyInstance } from 'fastify';
import { ApiNoContainerError, ApiNoTargetError, DrillDisabledError, errorCode, errorMessage } from '@baqup/core';
import type { DrillReport } from '@baqup/drill';
import { errors, strictObject } from '../http/schemas.js';
import type { RouteGroup } from '../http/server.js';
import type { Drills } from './drills.js';

interface DrillBody {
  container: string;
  target?: string;
  from?: 'staging' | 'remote';
}

const bodySchema = strictObject({
  container: { type: 'string', minLength: 1, maxLength: 255, description: 'container name' },
  target: { type: 'string', minLength: 1, maxLength: 255, description: '`type-instance` or the instance; may be left out when the container has one target' },
  from: { type: 'string', enum: ['staging', 'remote'], description: 'the copy to load: `remote` (default: the rclone remote or restic repository) or `staging`' },
}, ['container']);

const ms = { type: 'integer' } as const;
const reportSchema = {
  type: 'object',
  required: ['container', 'target', 'ok', 'durationMs', 'checked', 'notChecked', 'problems', 'startedAt'],
  properties: {
    container: { type: 'string' }, target: { type: 'string' }, ok: { type: 'boolean' }, timestamp: { type: 'string' }, file: { type: 'string' },
    side: { type: 'string', enum: ['staging', 'remote', 'restic'] }, bytes: { type: 'integer' },
    fetchMs: ms, startMs: ms, restoreMs: ms, checkMs: ms, durationMs: ms,
    checked: { type: 'array', items: { type: 'string' } }, notChecked: { type: 'array', items: { type: 'string' } }, problems: { type: 'array', items: { type: 'string' } },
    error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
    startedAt: { type: 'string' },
  },
} as const;

export function drillRoutes(drills: () => Drills | undefined): RouteGroup {
  return (app: FastifyInstance) => {
    app.post<{ Body: DrillBody }>('/api/drills', {
      config: { access: 'mutating' },
      schema: {
        summary: 'Drill one target now: restore its newest backup into a throwaway container and check it against its manifest',
        description: 'Answers when the drill is over (queued behind a running drill or a backup of the same target). A failed drill is 200 with ok: false.',
        tags: ['drills'],
        security: [{ bearer: [] }],
        body: bodySchema,
        response: { 200: reportSchema, ...errors(400, 401, 403, 404, 409, 413, 415, 503) },
      },
    }, async (req, reply) => {
      const d = drills();
      if (!d) return reply.code(503).send({ error: 'drills are not running (dry run or stopping)', code: DrillDisabledError.code });
      try {
        const r: DrillReport = await d.run(req.body.container, req.body.target, req.body.from);
        return r;
      } catch (err) {
        const code = errorCode(err);
        const status = code === ApiNoContainerError.code || code === ApiNoTargetError.code ? 404 : code === DrillDisabledError.code ? 409 : 503;
        return reply.code(status).send({ error: errorMessage(err), code, ...(status === 404 ? { field: code === ApiNoContainerError.code ? 'body.container' : 'body.target' } : {}) });
      }
    });

    app.get('/api/drills', {
      config: { access: 'read' },
      schema: {
        summary: "Each target's drill status: verified, failed, not_verified (no passed drill for more than drills.max_age_days) or never",
        tags: ['drills'],
        response: {
          200: {
            type: 'object',
            required: ['targets'],
            properties: {
              running: { type: 'string' },
              targets: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['key', 'status', 'failures'],
                  properties: {
                    key: { type: 'string' }, status: { type: 'string', enum: ['verified', 'failed', 'not_verified', 'never'] }, failures: { type: 'integer' },
                    last_success: { type: 'string' }, next: { type: 'string' }, last: reportSchema,
                  },
                },
              },
            },
          },
          ...errors(401, 403),
        },
      },
    }, async () => {
      const d = drills();
      const running = d?.running();
      return {
        ...(running ? { running } : {}),
        targets: (d?.states() ?? []).map((s) => ({
          key: s.key, status: s.status, failures: s.failures,
          ...(s.lastSuccess ? { last_success: s.lastSuccess.toISOString() } : {}),
          ...(s.next ? { next: s.next.toISOString() } : {}),
          ...(s.last ? { last: s.last } : {}),
        })),
      };
    });
  };
}
