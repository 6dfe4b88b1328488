// GET /api/config: the effective controller config (every default filled), read-only, for the dashboard's Settings.
// Nothing secret leaves: Secrets print as [redacted]; notification channels and pings are shown by their
// displayName (kind, host, masked path — never a token, password, header or query); URLs' passwords and inline
// rclone parameters are masked; and the whole answer goes through the controller's redactor as a last guard.
import type { FastifyInstance } from 'fastify';
import { parseChannel, parsePing, type ChannelSpec, type ControllerConfig } from '@baqup/core';
import { errors } from './schemas.js';
import type { RouteGroup } from './server.js';

const MASK = '***';

/** `scheme://user:password@host` → `scheme://user:***@host`; a bare `scheme://token@host` keeps only `***@`. */
export function maskUrlCredentials(text: string): string {
  return text.replace(/(\/\/)([^/@\s]*)@/g, (_m, slashes: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return `${slashes}${colon < 0 ? MASK : `${userinfo.slice(0, colon)}:${MASK}`}@`;
  });
}

/** An rclone destination: `name:path` is safe (its settings live in rclone.conf); `:s3,key=value,…:path` has every value masked. */
export function maskRemote(remote: string): string {
  const inline = /^(:?[A-Za-z0-9_-]*),([^:]*)(:.*)?$/.exec(remote);
  if (inline) {
    const params = inline[2]!.split(',').map((p) => (p.includes('=') ? `${p.slice(0, p.indexOf('='))}=${MASK}` : p));
    return maskUrlCredentials(`${inline[1]},${params.join(',')}${inline[3] ?? ''}`);
  }
  return maskUrlCredentials(remote);
}

const channelName = (spec: ChannelSpec): string => {
  try {
    return parseChannel(spec).displayName;
  } catch {
    return 'a channel that does not parse (baqup lint --config names the problem)';
  }
};

const pingName = (url: string): string => {
  try {
    return parsePing(url).displayName;
  } catch {
    return 'a ping URL that does not parse';
  }
};

/** The config as the API shows it: see the file's comment. */
export function safeConfig(config: ControllerConfig, redact: (text: string) => string = (t) => t): Record<string, unknown> {
  // Secrets → "[redacted]"; the shape is the config's, with strings where Secrets were.
  const plain = JSON.parse(JSON.stringify(config)) as Omit<ControllerConfig, 'notifications'> & { notifications: Record<string, unknown> };
  const n = config.notifications;
  plain.notifications = {
    ...plain.notifications,
    on_failure: n.on_failure.map(channelName),
    on_success: n.on_success === false ? false : n.on_success.map(channelName),
    ...(n.webhook !== undefined ? { webhook: (Array.isArray(n.webhook) ? n.webhook : [n.webhook]).map(channelName) } : {}),
    ping: n.ping.map(pingName),
    ...(n.click_url !== undefined ? { click_url: maskUrlCredentials(n.click_url) } : {}),
  };
  plain.upload.remote = maskRemote(config.upload.remote);
  if (config.upload.restic.repository !== undefined) plain.upload.restic.repository = maskUrlCredentials(config.upload.restic.repository);
  return JSON.parse(redact(JSON.stringify(plain))) as Record<string, unknown>;
}

export function configRoutes(config: ControllerConfig, redact: (text: string) => string): RouteGroup {
  return (app: FastifyInstance) => {
    app.get('/api/config', {
      config: { access: 'read' },
      schema: {
        summary: 'The effective controller config, every default filled, secrets masked (channels by their display name)',
        tags: ['state'],
        response: {
          200: { type: 'object', required: ['config'], properties: { config: { type: 'object', additionalProperties: true, description: "the config file's shape (snake_case)" } } },
          ...errors(401, 403),
        },
      },
    }, async () => ({ config: safeConfig(config, redact) }));
  };
}
