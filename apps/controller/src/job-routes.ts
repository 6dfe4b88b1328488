// GET /api/jobs and GET /api/jobs/{id}: what `baqup jobs` lists and `baqup backup` follows (status, bytes so far);
// DELETE /api/jobs/{id}: cancel a queued job (the dashboard's Cancel). A running job is refused, never cut off: it may
// hold its container stopped and be writing its backup, and only its own end (or the shutdown) puts that right.
import type { FastifyInstance } from 'fastify';
import { ApiJobNotQueuedError, ApiNoJobError, ApiNoJobsError } from '@baqup/core';
import { errors, isoTime, strictObject } from './http/schemas.js';
import type { RouteGroup } from './http/server.js';
import type { JobRegistry } from './job-registry.js';
import type { JobLogs } from './job-logs.js';
import type { Jobs } from './jobs.js';

/** What a finished job answers with, in GET /api/jobs and POST /api/backups alike. */
export const jobOutcomeProperties = {
  path: { type: 'string' },
  sha256: { type: 'string' },
  timestamp: { type: 'string' },
  duration_seconds: { type: 'number' },
  reason: { type: 'string' },
  message: { type: 'string' },
  error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
} as const;

export const jobRecordSchema = {
  type: 'object',
  required: ['job_id', 'target', 'trigger', 'status', 'queued_at'],
  properties: {
    job_id: { type: 'string' },
    target: { type: 'string', description: 'container/type-instance' },
    trigger: { type: 'string', enum: ['schedule', 'manual', 'safety'] },
    status: { type: 'string', enum: ['queued', 'running', 'succeeded', 'failed', 'skipped', 'cancelled'], description: '`cancelled`: taken out of the queue (DELETE /api/jobs/{id}) before it started; it never ran' },
    queued_at: isoTime,
    started_at: isoTime,
    finished_at: isoTime,
    bytes: { type: 'integer', description: 'running: compressed bytes written to staging so far; succeeded: the staged size' },
    expected_bytes: { type: 'integer', description: "the staged size of the target's last successful backup (what progress is measured against)" },
    ...jobOutcomeProperties,
  },
} as const;

const idParams = strictObject({ id: { type: 'string', minLength: 1, maxLength: 200, description: 'a job id, as POST /api/backups answered it' } }, ['id']);

export function jobRoutes(registry: JobRegistry, logs?: Pick<JobLogs, 'get'>, jobs: () => Pick<Jobs, 'cancel'> | undefined = () => undefined): RouteGroup {
  return (app: FastifyInstance) => {
    app.get('/api/jobs', {
      config: { access: 'read' },
      schema: {
        summary: 'The jobs since the controller started (scheduled, manual, safety copies), newest first; the oldest finished ones are forgotten after 200',
        tags: ['jobs'],
        response: { 200: { type: 'object', required: ['jobs'], properties: { jobs: { type: 'array', items: jobRecordSchema } } }, ...errors(401, 403) },
      },
    }, async () => ({ jobs: registry.list() }));

    app.get<{ Params: { id: string } }>('/api/jobs/:id', {
      config: { access: 'read' },
      schema: { summary: 'One job: its status, and while it runs the bytes written so far', tags: ['jobs'], params: idParams, response: { 200: jobRecordSchema, ...errors(400, 401, 403, 404) } },
    }, async (req, reply) => {
      const job = registry.get(req.params.id);
      if (!job) return reply.code(404).send({ error: `no job "${req.params.id}" on this controller (job ids are kept while the controller runs, the last 200 finished ones)`, code: ApiNoJobError.code, field: 'params.id' });
      return job;
    });

    app.delete<{ Params: { id: string } }>('/api/jobs/:id', {
      config: { access: 'mutating' },
      schema: {
        summary: 'Cancel a queued job: it leaves the queue and never starts (status `cancelled`); a running or finished job is refused with 409',
        tags: ['jobs'],
        security: [{ bearer: [] }],
        params: idParams,
        response: { 200: jobRecordSchema, ...errors(400, 401, 403, 404, 409, 503) },
      },
    }, async (req, reply) => {
      const id = req.params.id;
      const known = registry.get(id);
      if (!known) return reply.code(404).send({ error: `no job "${id}" on this controller (job ids are kept while the controller runs, the last 200 finished ones)`, code: ApiNoJobError.code, field: 'params.id' });
      const refuse = (why: string) => reply.code(409).send({ error: `job "${id}" is not cancelled: ${why}`, code: ApiJobNotQueuedError.code, field: 'params.id' });
      if (known.status !== 'queued' && known.status !== 'running') return refuse(`it has already finished (${known.status})`);
      const queue = jobs();
      if (!queue) return reply.code(503).send({ error: 'the controller is stopping; its queued jobs are not started anyway', code: ApiNoJobsError.code });
      const outcome = queue.cancel(id);
      if (outcome.status === 'running' || (outcome.status === 'unknown' && registry.get(id)?.status === 'running')) {
        return refuse('it is running, and a running backup is not cut off (baqup may hold its container stopped and be writing its backup); it ends on its own, or wait for it');
      }
      if (outcome.status === 'unknown') return refuse(`it is no longer queued (${registry.get(id)?.status ?? 'gone'})`);
      return registry.get(id) ?? known;
    });

    app.get<{ Params: { id: string } }>('/api/jobs/:id/logs', {
      config: { access: 'read' },
      schema: {
        summary: "A job's log lines since the controller started (as written to its log: JSON objects, secrets redacted); the last 200 jobs, 200 lines each",
        tags: ['jobs'],
        params: idParams,
        response: {
          200: { type: 'object', required: ['job_id', 'lines'], properties: { job_id: { type: 'string' }, lines: { type: 'array', items: { type: 'object', additionalProperties: true, required: ['time', 'level', 'msg'], properties: { time: isoTime, level: { type: 'string' }, msg: { type: 'string' } } } } } },
          ...errors(400, 401, 403, 404),
        },
      },
    }, async (req, reply) => {
      const lines = logs?.get(req.params.id);
      if (!lines) return reply.code(404).send({ error: `no log lines of job "${req.params.id}" on this controller (kept for the last 200 jobs since it started; older ones are in its log)`, code: ApiNoJobError.code, field: 'params.id' });
      return { job_id: req.params.id, lines };
    });
  };
}
