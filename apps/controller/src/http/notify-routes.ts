// POST /api/notifications/test: one test message to each notification channel of the config, now — the Settings
// view's "Send a test". Token-guarded like every action; the answer names each channel by its display name (never a
// token or URL) and says whether it arrived, with the (redacted) reason when not. Each delivery is in the history.
import type { FastifyInstance } from 'fastify';
import type { Notifier } from '@baqup/notify';
import { errors } from './schemas.js';
import type { RouteGroup } from './server.js';

export function notifyRoutes(notifier: Pick<Notifier, 'test'>): RouteGroup {
  return (app: FastifyInstance) => {
    app.post('/api/notifications/test', {
      config: { access: 'mutating' },
      schema: {
        summary: "Send a test message to each of the config's notification channels now",
        tags: ['notifications'],
        security: [{ bearer: [] }],
        response: {
          200: {
            type: 'object',
            required: ['deliveries'],
            properties: {
              deliveries: {
                type: 'array',
                description: 'one per channel of notifications.on_failure, on_success and webhook; empty when none is configured',
                items: { type: 'object', required: ['channel', 'delivered'], properties: { channel: { type: 'string', description: 'display name: kind, host, masked path' }, delivered: { type: 'boolean' }, error: { type: 'string' } } },
              },
            },
          },
          ...errors(401, 403, 413, 415),
        },
      },
    }, async () => ({ deliveries: (await notifier.test()).map((d) => ({ channel: d.channel, delivered: d.delivered, ...(d.error ? { error: d.error } : {}) })) }));
  };
}
