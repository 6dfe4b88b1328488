// GET /api/backups: the backups the controller's sources hold (staging, the rclone remote, restic), what `baqup ls`
// lists — for the dashboard's target detail and its restore wizard (which backup to restore). Paths are given
// relative to their root (staging file name, path under the remote root), never as the remote's own string, which
// may carry credentials.
import type { FastifyInstance } from 'fastify';
import { targetName } from '@baqup/core';
import { listBackups, locationOf, type BackupSources } from '@baqup/restore';
import { errors, isoTime, strictObject } from './http/schemas.js';
import type { RouteGroup } from './http/server.js';

// Docker's own rule for container names (and a target's `type-instance`): never a path a listing could climb out of.
const name = { type: 'string', minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' } as const;

const entrySchema = {
  type: 'object',
  required: ['container', 'target', 'timestamp', 'date', 'file', 'compression', 'location'],
  properties: {
    container: { type: 'string' },
    target: { type: 'string', description: '`type-instance`' },
    timestamp: { type: 'string', description: 'compact UTC, `20240115T030000Z`: what POST /api/restores takes as `at`' },
    date: isoTime,
    file: { type: 'string' },
    compression: { type: 'string' },
    size: { type: 'integer' },
    location: { type: 'string', enum: ['local', 'remote', 'both', 'restic'], description: 'staging only, the remote only, both, or a restic snapshot' },
    sha256: { type: 'string', description: "the manifest's checksum of the file" },
    trigger: { type: 'string', description: '`schedule`, `manual` or `safety`, from the manifest' },
    complete: { type: 'boolean', description: 'staged copy: its .sha256 sidecar and manifest present and agreeing' },
    uploaded: { type: 'boolean', description: 'staged copy: read back from the remote and matched' },
    remote_path: { type: 'string', description: 'the path under the configured remote root' },
    snapshot: { type: 'string', description: 'restic: the short snapshot id' },
  },
} as const;

export function catalogRoutes(sources: BackupSources): RouteGroup {
  return (app: FastifyInstance) => {
    app.get<{ Querystring: { container?: string; target?: string } }>('/api/backups', {
      config: { access: 'read' },
      schema: {
        summary: 'The backups on staging, the remote and restic (as baqup ls), oldest first per target; a side that cannot be listed is a problem, not an error',
        tags: ['restore'],
        querystring: strictObject({ container: { ...name, description: 'only this container' }, target: { ...name, description: '`type-instance` or the instance' } }),
        response: {
          200: {
            type: 'object',
            required: ['backups', 'problems'],
            properties: {
              backups: { type: 'array', items: entrySchema },
              problems: { type: 'array', items: { type: 'object', required: ['source', 'message'], properties: { source: { type: 'string' }, message: { type: 'string' } } } },
            },
          },
          ...errors(400, 401, 403),
        },
      },
    }, async (req) => {
      const { entries, problems } = await listBackups(sources, { ...(req.query.container ? { container: req.query.container } : {}), ...(req.query.target ? { target: req.query.target } : {}) });
      return {
        backups: entries.map((e) => ({
          container: e.container,
          target: targetName(e),
          timestamp: e.timestamp,
          date: e.date.toISOString(),
          file: e.file,
          compression: e.compression,
          ...(e.size !== undefined ? { size: e.size } : {}),
          location: locationOf(e),
          ...(e.manifest?.sha256 ? { sha256: e.manifest.sha256 } : e.staging?.sidecarSha256 ? { sha256: e.staging.sidecarSha256 } : {}),
          ...(e.manifest?.trigger ? { trigger: e.manifest.trigger } : {}),
          ...(e.staging ? { complete: e.staging.complete, uploaded: e.staging.uploaded !== undefined } : {}),
          ...(e.remote ? { remote_path: e.remote.path } : {}),
          ...(e.restic ? { snapshot: e.restic.shortId } : {}),
        })),
        problems,
      };
    });
  };
}
