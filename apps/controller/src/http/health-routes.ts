// Health and metrics endpoints. /healthz and /readyz are `open`: served without a token even with
// api.protect_reads, so the image HEALTHCHECK and orchestrator probes work; they reveal only check names and
// their errors. /metrics is a read like the others: behind the token when reads are protected.
import type { FastifyInstance } from 'fastify';
import type { StateStore } from '@baqup/state';
import { ControllerMetrics, METRICS_CONTENT_TYPE } from '../observe/metrics.js';
import { readinessChecker, type CachedProbeOptions, type ReadinessOptions } from '../observe/readiness.js';
import { errors } from './schemas.js';
import type { RouteGroup } from './server.js';

const readyBody = {
  type: 'object',
  required: ['status', 'checks', 'failing'],
  properties: {
    status: { type: 'string', enum: ['ready', 'not ready'] },
    checks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'ok'],
        properties: { name: { type: 'string', enum: ['docker', 'staging', 'jobs', 'stale_targets'] }, ok: { type: 'boolean' }, error: { type: 'string' } },
      },
    },
    failing: { type: 'array', items: { type: 'string' } },
  },
} as const;

export type HealthOptions = Omit<ReadinessOptions, 'staleTargets'> & { probe?: CachedProbeOptions; metrics?: ControllerMetrics };

export function healthRoutes(store: StateStore, readiness: HealthOptions): RouteGroup {
  const staleTargets = () => [...store.snapshot().targets].filter(([, t]) => t.stale).map(([key]) => key);
  const check = readinessChecker({ ...readiness, staleTargets });
  const metrics = readiness.metrics ?? new ControllerMetrics({ state: () => store.snapshot(), processMetrics: false });
  return (app: FastifyInstance) => {
    app.get('/healthz', {
      config: { access: 'open' },
      schema: { summary: 'Liveness: the process answers', tags: ['health'], response: { 200: { type: 'string', description: '"ok\\n" (text/plain)' } } },
    }, async (_req, reply) => reply.type('text/plain; charset=utf-8').serializer((s) => String(s)).send('ok\n'));

    app.get('/readyz', {
      config: { access: 'open' },
      schema: {
        summary: 'Readiness: Docker answers, staging is writable, jobs are not halted (and no target is stale, with health.stale_targets_unready)',
        description: 'The staging write probe is cached (one write per 30 s at most); every call checks the directory without writing.',
        tags: ['health'],
        response: { 200: readyBody, 503: readyBody },
      },
    }, async (_req, reply) => {
      const r = await check();
      return reply.code(r.ready ? 200 : 503).send({ status: r.ready ? 'ready' : 'not ready', checks: r.checks, failing: r.checks.filter((c) => !c.ok).map((c) => c.name) });
    });

    app.get('/metrics', {
      config: { access: 'read' },
      schema: { summary: 'Prometheus text exposition (0.0.4)', tags: ['health'], response: { 200: { type: 'string' }, ...errors(401, 403) } },
    }, async (_req, reply) => reply.type(METRICS_CONTENT_TYPE).serializer((s) => String(s)).send(await metrics.render()));
  };
}
