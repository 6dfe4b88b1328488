// POST /api/restores: the CLI's restore, run by the controller. Off unless `api.allow_restore: true`, token-guarded
// like every mutating route, and the body must say `confirm: true` (or `dryRun: true`). The backup is verified
// before anything is touched; stops go through the controller's own holds (journalled, replayed at start).
// While it loads, the target's backups and drills wait (holdTarget: the target's lock, taken after the safety
// copy; restore-holds.ts). restic commands of a restore
// (snapshots, dump) do queue with the pipeline's and the check's on the repository's one queue.
import type { FastifyInstance } from 'fastify';
import { controllerDefaults, errorCode, errorMessage, type ControllerConfig, type Logger } from '@baqup/core';
import type { DockerClient } from '@baqup/docker';
import type { ContainerHolds } from '@baqup/dump';
import { restore, type BackupSources, type RestoreDeps } from '@baqup/restore';
import type { RestoreRecord } from '@baqup/history';
import { errors, strictObject } from './http/schemas.js';
import type { RouteGroup } from './http/server.js';
import { ApiConfirmRequiredError, ApiRestoreDisabledError, SafetyCopyFailedError } from '@baqup/core';

interface RestoreBody {
  container: string;
  target: string;
  at?: string;
  from?: 'staging' | 'remote';
  into?: string;
  create?: boolean;
  confirm?: boolean;
  dryRun?: boolean;
  dry_run?: boolean;
  noSafetyCopy?: boolean;
}

export interface RestoreRouteDeps {
  config: ControllerConfig;
  docker: DockerClient;
  holds: ContainerHolds;
  logger: Logger;
  /** Backs up the destination first (trigger `safety`), through the controller's queue. */
  safetyCopy?: RestoreDeps['safetyCopy'];
  /** Keeps the target's backups and drills waiting while the restore loads; resolves its release. */
  holdTarget?: RestoreDeps['holdTarget'];
  /** Told about every restore that ran (not dry runs), succeeded or not: the history. */
  record?: (r: RestoreRecord) => void;
  /** The controller's own backend as a restore source: a restic repository is the one queued object of the process. */
  sources: BackupSources;
  /** Creates the new container of a `create` restore (restore-new-container.ts); absent: `create` is refused. */
  createContainer?: RestoreDeps['createContainer'];
}

const STATUS: Record<string, number> = {
  BAQUP_RESTORE_NOT_FOUND: 404,
  BAQUP_RESTORE_REFUSED: 409,
  BAQUP_RESTORE_CHECKSUM: 409,
  BAQUP_RESTORE_UNREADABLE: 409,
  BAQUP_RESTORE_UNSAFE_ENTRY: 409,
  BAQUP_RESTORE_FETCH: 502,
  [SafetyCopyFailedError.code]: 503,
};

const name = { type: 'string', minLength: 1, maxLength: 255 } as const;
const bodySchema = strictObject({
  container: { ...name, description: 'the container whose backup is restored' },
  target: { ...name, description: '`type-instance` or the instance' },
  at: { ...name, description: 'a backup timestamp (20240115T030000Z) or a prefix of one; default the newest' },
  from: { type: 'string', enum: ['staging', 'remote'], description: 'read the backup from this side only' },
  into: { ...name, pattern: '^[a-zA-Z0-9][a-zA-Z0-9_.-]*$', description: 'restore into another container (with create: the name of the new one)' },
  create: { type: 'boolean', description: 'into names a container that does not exist yet: baqup creates it like the source (its image, command, env; network none, no ports, fresh volumes, labels without backup.*), loads the backup into it and leaves it running' },
  confirm: { type: 'boolean', description: 'must be true: a restore overwrites live data' },
  dryRun: { type: 'boolean', description: 'verify and show the plan; touch nothing' },
  dry_run: { type: 'boolean', description: 'same as dryRun' },
  noSafetyCopy: { type: 'boolean', description: 'skip the safety copy of the current state (the restore then cannot be undone)' },
}, ['container', 'target']);

const reportSchema = {
  type: 'object',
  required: ['dryRun', 'done', 'durationMs'],
  additionalProperties: true,
  properties: {
    dryRun: { type: 'boolean' }, checksum: { type: 'string' }, content: { type: 'string' }, done: { type: 'array', items: { type: 'string' } }, durationMs: { type: 'number' },
    created: { type: 'object', required: ['name', 'id'], properties: { name: { type: 'string' }, id: { type: 'string' } }, description: 'the container a create restore made, running with the backup loaded' },
  },
} as const;

export function restoreRoutes(deps: RestoreRouteDeps): RouteGroup {
  return (app: FastifyInstance) => {
    app.post<{ Body: RestoreBody }>('/api/restores', {
      config: { access: 'mutating' },
      // Refused before the body is looked at when restores are off, whatever it holds.
      preValidation: async (_req, reply) => {
        if (!deps.config.api.allow_restore) {
          await reply.code(403).send({ error: 'restores through the API are disabled: set api.allow_restore: true in the config (or use `baqup restore`)', code: ApiRestoreDisabledError.code });
        }
      },
      schema: {
        summary: 'Restore a backup into its container (needs api.allow_restore and confirm: true)',
        tags: ['restore'],
        security: [{ bearer: [] }],
        body: bodySchema,
        response: { 200: reportSchema, ...errors(400, 401, 403, 404, 409, 413, 415, 500, 502) },
      },
    }, async (req, reply) => {
      const body = req.body;
      const dryRun = body.dryRun === true || body.dry_run === true;
      if (!dryRun && body.confirm !== true) {
        return reply.code(400).send({ error: 'a restore overwrites live data: send confirm: true (or dryRun: true to see the plan)', code: ApiConfirmRequiredError.code, field: 'body.confirm' });
      }
      const startedAt = Date.now();
      try {
        const report = await restore(
          {
            docker: deps.docker,
            sources: deps.sources,
            defaults: controllerDefaults(deps.config),
            holds: deps.holds,
            logger: deps.logger,
            confirm: async () => true,
            ...(deps.safetyCopy ? { safetyCopy: deps.safetyCopy } : {}),
            ...(deps.createContainer ? { createContainer: deps.createContainer } : {}),
            ...(deps.holdTarget ? { holdTarget: deps.holdTarget } : {}),
          },
          { container: body.container, target: body.target, ...(body.at ? { at: body.at } : {}), ...(body.from ? { from: body.from } : {}), ...(body.into ? { into: body.into } : {}), ...(body.create === true ? { create: true } : {}), dryRun, noSafetyCopy: body.noSafetyCopy === true },
        );
        if (!dryRun) {
          deps.record?.({
            container: report.container, target: report.target, backup: report.timestamp, source: report.side, into_container: report.into,
            started_at: startedAt, finished_at: Date.now(), success: true, ...(report.safety?.taken ? { safety_copy: report.safety.timestamp } : {}),
          });
        }
        return report;
      } catch (err) {
        if (!dryRun) {
          deps.record?.({
            container: body.container, target: body.target, backup: body.at ?? 'newest', source: body.from ?? 'any', ...(body.into ? { into_container: body.into } : {}),
            started_at: startedAt, finished_at: Date.now(), success: false, error_code: errorCode(err), error_message: errorMessage(err),
          });
        }
        return reply.code(STATUS[errorCode(err)] ?? 500).send({ error: errorMessage(err), code: errorCode(err) });
      }
    });
  };
}
