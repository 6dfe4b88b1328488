// POST /api/restores: the CLI's restore, run by the controller. Off unless `api.allow_restore: true`, token-guarded
// like every mutating route, and the body must say `confirm: true` (or `dryRun: true`). The backup is verified
// before anything is touched; stops go through the controller's own holds (journalled, replayed at start).
// Not serialized with backup jobs of the same target: run restores when none is due.
import { controllerDefaults, errorCode, errorMessage, type ControllerConfig, type Logger } from '@baqup/core';
import type { DockerClient } from '@baqup/docker';
import type { ContainerHolds } from '@baqup/dump';
import { restore, sourcesFromConfig, type RestoreDeps } from '@baqup/restore';
import { sendJson, type Route } from './http/router.js';

interface RestoreBody {
  container?: unknown;
  target?: unknown;
  at?: unknown;
  from?: unknown;
  into?: unknown;
  confirm?: unknown;
  dryRun?: unknown;
  noSafetyCopy?: unknown;
}

export interface RestoreRouteDeps {
  config: ControllerConfig;
  docker: DockerClient;
  holds: ContainerHolds;
  logger: Logger;
  /** Backs up the destination first (trigger `safety`), through the controller's queue. */
  safetyCopy?: RestoreDeps['safetyCopy'];
}

const STATUS: Record<string, number> = {
  BAQUP_RESTORE_NOT_FOUND: 404,
  BAQUP_RESTORE_REFUSED: 409,
  BAQUP_RESTORE_CHECKSUM: 409,
  BAQUP_RESTORE_UNREADABLE: 409,
  BAQUP_RESTORE_UNSAFE_ENTRY: 409,
  BAQUP_RESTORE_FETCH: 502,
  BAQUP_RESTORE_SAFETY_COPY: 503,
};

const optionalString = (v: unknown): v is string | undefined => v === undefined || (typeof v === 'string' && v !== '');

export function restoreRoutes(deps: RestoreRouteDeps): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/restores',
      mutating: true,
      handler: async ({ res, body }) => {
        if (!deps.config.api.allow_restore) return sendJson(res, 403, { error: 'restores through the API are disabled: set api.allow_restore: true in the config (or use `baqup restore`)' });
        const req = (await body()) as RestoreBody;
        if (typeof req.container !== 'string' || req.container === '' || typeof req.target !== 'string' || req.target === '') {
          return sendJson(res, 400, { error: 'body.container and body.target are required' });
        }
        if (!optionalString(req.at) || !optionalString(req.into) || (req.from !== undefined && req.from !== 'staging' && req.from !== 'remote')) {
          return sendJson(res, 400, { error: 'body.at and body.into are non-empty strings; body.from is "staging" or "remote"' });
        }
        const dryRun = req.dryRun === true;
        if (!dryRun && req.confirm !== true) return sendJson(res, 400, { error: 'a restore overwrites live data: send confirm: true (or dryRun: true to see the plan)' });
        try {
          const report = await restore(
            {
              docker: deps.docker,
              sources: sourcesFromConfig(deps.config, deps.logger),
              defaults: controllerDefaults(deps.config),
              holds: deps.holds,
              logger: deps.logger,
              confirm: async () => true,
              ...(deps.safetyCopy ? { safetyCopy: deps.safetyCopy } : {}),
            },
            { container: req.container, target: req.target, ...(req.at ? { at: req.at } : {}), ...(req.from ? { from: req.from } : {}), ...(req.into ? { into: req.into } : {}), dryRun, noSafetyCopy: req.noSafetyCopy === true },
          );
          return sendJson(res, 200, report);
        } catch (err) {
          return sendJson(res, STATUS[errorCode(err)] ?? 500, { error: errorMessage(err), code: errorCode(err) });
        }
      },
    },
  ];
}
