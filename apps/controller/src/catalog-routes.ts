// GET /api/backups: the backups the controller's sources hold (staging, the rclone remote, restic), what `baqup ls`
// lists — for the dashboard's target detail and its restore wizard (which backup to restore). Paths are given
// relative to their root (staging file name, path under the remote root), never as the remote's own string, which
// may carry credentials.
import type { FastifyInstance } from 'fastify';
import { ApiNoContainerError, silentLogger, targetName, triggerRetentionOf, type ControllerConfig, type DesiredState } from '@baqup/core';
import { pruneTarget } from '@baqup/prune';
import { listBackups, locationOf, verifyBackups, type BackupSources } from '@baqup/restore';
import type { VerificationRecord } from '@baqup/history';
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

const policySchema = { type: 'object', additionalProperties: true, description: 'keepLast, keepDaily, keepWeekly, keepMonthly, keepWithin' } as const;
const sideSchema = {
  type: 'object',
  required: ['side', 'listed', 'keep', 'deleted'],
  properties: {
    side: { type: 'string', enum: ['staging', 'remote'] },
    listed: { type: 'integer' },
    keep: { type: 'array', items: { type: 'object', required: ['path', 'group', 'why'], properties: { path: { type: 'string' }, group: { type: 'string', description: '`schedule`, `manual` or `safety`: the retention group that keeps it' }, why: { type: 'string', description: '`daily 3/7, weekly 2/4`, `manual (last 2/5)`' } } } },
    deleted: { type: 'array', items: { type: 'string' }, description: 'what the next prune would delete (relative paths)' },
    error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
  },
} as const;

export interface CatalogDeps {
  sources: BackupSources;
  config: ControllerConfig;
  desired: () => DesiredState;
  /** The controller's redactor: listing and verify errors may quote a tool's stderr. */
  redact?: (text: string) => string;
  /** Told about every copy a POST /api/verifications checked: the history. */
  record?: (v: VerificationRecord) => void;
}

export function catalogRoutes(deps: CatalogDeps): RouteGroup {
  const { sources } = deps;
  const redact = deps.redact ?? ((t: string) => t);
  const scrub = <T extends { message: string }>(p: T): T => ({ ...p, message: redact(p.message) });
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
        problems: problems.map(scrub),
      };
    });

    app.post<{ Body: { container: string; target: string; at?: string } }>('/api/verifications', {
      config: { access: 'mutating' },
      schema: {
        summary: "Verify one target's backup now (as baqup verify): each copy (staging, remote, restic) hashed against its manifest and read to its end in its format; read-only",
        tags: ['restore'],
        security: [{ bearer: [] }],
        body: strictObject({ container: { ...name, description: 'container name' }, target: { ...name, description: '`type-instance` or the instance' }, at: { type: 'string', minLength: 1, maxLength: 64, description: 'a backup timestamp (20240115T030000Z), `latest` (default) or a restic snapshot id' } }, ['container', 'target']),
        response: {
          200: {
            type: 'object',
            required: ['results', 'problems'],
            properties: {
              results: {
                type: 'array',
                description: 'one per copy checked; empty when no backup matched',
                items: {
                  type: 'object',
                  required: ['container', 'target', 'timestamp', 'file', 'side', 'ok'],
                  properties: {
                    container: { type: 'string' }, target: { type: 'string' }, timestamp: { type: 'string' }, file: { type: 'string' },
                    side: { type: 'string', enum: ['staging', 'remote', 'restic'] }, ok: { type: 'boolean' }, checksum: { type: 'string' }, content: { type: 'string' },
                    error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } },
                  },
                },
              },
              problems: { type: 'array', items: { type: 'object', required: ['source', 'message'], properties: { source: { type: 'string' }, message: { type: 'string' } } } },
            },
          },
          ...errors(400, 401, 403, 413, 415),
        },
      },
    }, async (req) => {
      const { container, target, at } = req.body;
      const { results, problems } = await verifyBackups(sources, { container, target, at: at ?? 'latest' });
      const now = Date.now();
      for (const r of results) {
        deps.record?.({
          container: r.container, target: r.target, backup: r.timestamp, source: r.side, at: now, success: r.ok,
          ...(r.checksum ? { checksum: r.checksum } : {}), ...(r.content ? { content: r.content } : {}),
          ...(r.error ? { error_code: r.error.code, error_message: r.error.message } : {}),
        });
      }
      return { results: results.map((r) => (r.error ? { ...r, error: scrub(r.error) } : r)), problems: problems.map(scrub) };
    });

    app.get<{ Querystring: { container: string; target: string } }>('/api/backups/prune-preview', {
      config: { access: 'read' },
      schema: {
        summary: "What retention keeps of one target's backups on staging and the remote, and why, and what the next prune would delete (a dry run: nothing is deleted)",
        tags: ['restore'],
        querystring: strictObject({ container: { ...name, description: 'container name' }, target: { ...name, description: '`type-instance`' } }, ['container', 'target']),
        response: {
          200: {
            type: 'object',
            required: ['container', 'target', 'schedule', 'policy', 'trigger_policies', 'sides'],
            properties: {
              container: { type: 'string' }, target: { type: 'string' }, schedule: { type: 'string' }, policy: policySchema,
              trigger_policies: { type: 'object', required: ['manual', 'safety'], properties: { manual: policySchema, safety: policySchema } },
              sides: { type: 'array', items: sideSchema, description: 'restic repositories are judged by restic forget: `baqup prune --dry-run` shows them' },
            },
          },
          ...errors(400, 401, 403, 404),
        },
      },
    }, async (req, reply) => {
      const { container, target } = req.query;
      const c = [...deps.desired().values()].find((x) => x.containerName === container);
      const t = c?.targets.find((x) => targetName(x) === target);
      const schedule = t ? c?.schedules[t.schedule] : undefined;
      if (!c || !t || !schedule) {
        return reply.code(404).send({ error: `no labelled target ${container}/${target} (its retention comes from its labels, so only a container Docker has now can be judged)`, code: ApiNoContainerError.code, field: 'query.target' });
      }
      const triggerPolicies = triggerRetentionOf(deps.config);
      const sides = await pruneTarget({
        stagingRoot: sources.stagingRoot,
        ...(sources.rclone ? { remote: sources.rclone.ops } : {}),
        container, type: t.type, instance: t.instance, schedule: schedule.name, policy: schedule.retention,
        triggerRetention: triggerPolicies, dryRun: true, logger: silentLogger, timeZone: deps.config.timezone,
      });
      return {
        container, target, schedule: schedule.name, policy: schedule.retention, trigger_policies: triggerPolicies,
        sides: sides.map((s) => ({ side: s.side, listed: s.listed, keep: s.kept.map((k) => ({ path: k.path, group: k.group, why: k.why })), deleted: s.deleted, ...(s.error ? { error: scrub(s.error) } : {}) })),
      };
    });
  };
}
