// Health and metrics endpoints. /healthz and /readyz are `open`: served without a token even with
// api.protect_reads, so the image HEALTHCHECK and orchestrator probes work; they reveal only check names and
// their errors. /metrics is a read like the others: behind the token when reads are protected.
import type { StateStore } from '@baqup/state';
import { METRICS_CONTENT_TYPE, renderMetrics } from '../observe/metrics.js';
import { checkReadiness, type ReadinessOptions } from '../observe/readiness.js';
import { sendJson, sendText, type Route } from './router.js';

export function healthRoutes(store: StateStore, readiness: Omit<ReadinessOptions, 'staleTargets'>): Route[] {
  const staleTargets = () => [...store.snapshot().targets].filter(([, t]) => t.stale).map(([key]) => key);
  return [
    { method: 'GET', path: '/healthz', open: true, handler: ({ res }) => sendText(res, 200, 'ok\n') },
    {
      method: 'GET',
      path: '/readyz',
      open: true,
      handler: async ({ res }) => {
        const r = await checkReadiness({ ...readiness, staleTargets });
        sendJson(res, r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'not ready', checks: r.checks, failing: r.checks.filter((c) => !c.ok).map((c) => c.name) });
      },
    },
    { method: 'GET', path: '/metrics', handler: ({ res }) => sendText(res, 200, renderMetrics(store.snapshot()), METRICS_CONTENT_TYPE) },
  ];
}
