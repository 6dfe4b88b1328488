// The history over HTTP: paged runs (`GET /api/runs`), per-target summaries, day strips for a calendar, size and
// duration series, and the recent restores, verifications, drills, notifications and discovery events. Read routes
// (the token is needed with api.protect_reads, like the other reads). Times are ISO 8601 in UTC, as elsewhere in the
// API; names are snake_case, as in the database and the logs. Without a history (it could not be opened) every route
// answers 503 BAQUP_HISTORY_UNAVAILABLE.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiInvalidInputError, HistoryUnavailableError } from '@baqup/core';
import type { History, HistoryTable } from '@baqup/history';
import { errors, isoTime, strictObject } from '../http/schemas.js';
import type { RouteGroup } from '../http/server.js';

const TIME_FIELDS = new Set(['queued_at', 'started_at', 'finished_at', 'at', 'last_run_at', 'last_success_at', 'first_run_at']);

/** Epoch-millisecond fields as ISO strings. */
export function withIsoTimes<T extends object>(record: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, TIME_FIELDS.has(k) && typeof v === 'number' ? new Date(v).toISOString() : v]));
}

const name = { type: 'string', minLength: 1, maxLength: 255 } as const;
/** A time in a query: `2026-12-01`, `2026-12-01T03:00:00Z`, `2026-12-01T03:00:00+01:00`. */
const timeQuery = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})?)?$', maxLength: 40 } as const;
const int = { type: 'integer' } as const;

export const runSchema = {
  type: 'object',
  required: ['id', 'container', 'target', 'schedule', 'trigger', 'finished_at', 'success'],
  properties: {
    id: { type: 'string', description: 'the job id of the job.* log lines; `adopted:…` for backups found on staging or the remote by a fresh database' },
    container: { type: 'string' },
    target: { type: 'string', description: '`type-instance`' },
    schedule: { type: 'string' },
    trigger: { type: 'string', description: '`schedule`, `manual` or `safety`' },
    queued_at: isoTime,
    started_at: isoTime,
    finished_at: isoTime,
    success: { type: 'boolean' },
    duration_ms: { ...int, description: 'from queued to finished, as /metrics counts it' },
    raw_bytes: int,
    stored_bytes: int,
    sha256: { type: 'string' },
    file: { type: 'string', description: 'the staged file name, `20240115T030000Z.sql.zst`' },
    location: { type: 'string', description: '`staging`, `remote`, `restic`, or a comma-joined pair' },
    upload: { type: 'string', description: '`uploaded`, or `failed` (staged, retried with the next run)' },
    error_code: { type: 'string' },
    error_message: { type: 'string' },
  },
} as const;

const summarySchema = {
  type: 'object',
  required: ['container', 'target', 'runs', 'failures', 'failure_streak', 'first_run_at', 'last_run_at', 'last_success'],
  properties: {
    container: { type: 'string' },
    target: { type: 'string' },
    runs: int,
    failures: { ...int, description: 'failed runs the history holds' },
    failure_streak: { ...int, description: 'failed runs since the last success' },
    first_run_at: isoTime,
    last_run_at: isoTime,
    last_success: { type: 'boolean', description: 'whether the last run succeeded' },
    last_success_at: isoTime,
    last_error_code: { type: 'string' },
    last_error_message: { type: 'string' },
    last_stored_bytes: int,
    last_success_stored_bytes: int,
    last_duration_ms: int,
  },
} as const;

const daySchema = {
  type: 'object',
  required: ['day', 'runs', 'succeeded', 'failed', 'stored_bytes'],
  properties: { day: { type: 'string', description: 'YYYY-MM-DD in the zone asked for' }, runs: int, succeeded: int, failed: int, stored_bytes: int },
} as const;

const pointSchema = {
  type: 'object',
  required: ['finished_at', 'success'],
  properties: { finished_at: isoTime, stored_bytes: int, duration_ms: int, success: { type: 'boolean' } },
} as const;

const str = { type: 'string' } as const;
const recordId = { ...int, description: 'row id, increasing' } as const;
const errorFields = { error_code: str, error_message: str } as const;
const where = { container: str, target: { ...str, description: '`type-instance`' }, backup: { ...str, description: "the backup's timestamp, 20261206T030000Z" }, source: { ...str, description: '`staging`, `remote` or `restic`' } } as const;

/** One schema a kind of record GET /api/history/{kind} lists (the answer's `records` hold one kind). */
export const RECORD_SCHEMAS = {
  restores: {
    type: 'object',
    description: 'kind restores: a restore, by the API or `baqup restore`',
    required: ['id', 'container', 'target', 'backup', 'source', 'started_at', 'finished_at', 'success'],
    properties: { id: recordId, ...where, into_container: { ...str, description: 'the container restored into' }, started_at: isoTime, finished_at: isoTime, success: { type: 'boolean' }, safety_copy: { ...str, description: 'timestamp of the safety copy taken first' }, ...errorFields },
  },
  verifications: {
    type: 'object',
    description: 'kind verifications: a copy `baqup verify` checked against its manifest and read to its end',
    required: ['id', 'container', 'target', 'backup', 'source', 'at', 'success'],
    properties: { id: recordId, ...where, at: isoTime, success: { type: 'boolean' }, checksum: str, content: str, ...errorFields },
  },
  drills: {
    type: 'object',
    description: 'kind drills: a backup restored into a throwaway container and checked',
    required: ['id', 'container', 'target', 'backup', 'source', 'started_at', 'finished_at', 'success'],
    properties: { id: recordId, ...where, started_at: isoTime, finished_at: isoTime, success: { type: 'boolean' }, fetch_ms: int, restore_ms: int, bytes: int, detail: { description: 'what was checked (row counts, key counts, …)' }, ...errorFields },
  },
  notifications: {
    type: 'object',
    description: 'kind notifications: a message sent (or not) to a channel',
    required: ['id', 'at', 'channel', 'kind', 'delivered'],
    properties: { id: recordId, at: isoTime, channel: str, kind: { ...str, description: '`failure`, `ok`, `digest`, or `test` (POST /api/notifications/test)' }, container: str, target: str, delivered: { type: 'boolean' }, error: str },
  },
  discovery: {
    type: 'object',
    description: 'kind discovery: a labelled container seen, changed or removed, or its labels refused',
    required: ['id', 'at', 'container_id', 'container', 'action'],
    properties: {
      id: recordId, at: isoTime, container_id: str, container: str,
      action: { type: 'string', enum: ['seen', 'changed', 'removed', 'label_problem'] },
      detail: { type: 'object', additionalProperties: true, description: 'seen/changed: image and targets; label_problem: the errors' },
    },
  },
} as const;

const KINDS: Record<string, Exclude<HistoryTable, 'runs'>> = {
  restores: 'restores',
  verifications: 'verifications',
  drills: 'drills',
  notifications: 'notifications',
  discovery: 'discovery_events',
};

const targetQuery = { container: { ...name, description: 'container name' }, target: { ...name, description: '`type-instance`, e.g. postgres-main' } } as const;

const unavailable = (reply: FastifyReply) =>
  reply.code(503).send({ error: 'the history database is not available (see the history.unavailable log line); backups go on without it', code: HistoryUnavailableError.code });
const invalid = (reply: FastifyReply, field: string, error: string) => reply.code(400).send({ error, code: ApiInvalidInputError.code, field });

/** Epoch ms of a query time (a bare date is midnight UTC), NaN when it is no date (2026-13-45), undefined when absent. */
const parseTime = (t: string | undefined): number | undefined => (t === undefined ? undefined : Date.parse(t));

const timeZoneOk = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** `history()` is read per request: undefined while the history is off. `timeZone` is the config's, the day strips' default. */
export function historyRoutes(history: () => History | undefined, timeZone = 'UTC'): RouteGroup {
  return (app: FastifyInstance) => {
    app.get<{ Querystring: { container?: string; target?: string; since?: string; until?: string; limit?: number; cursor?: string } }>('/api/runs', {
      config: { access: 'read' },
      schema: {
        summary: 'Recorded backup runs, newest first, paged (pass next_cursor as cursor for the next page)',
        tags: ['history'],
        querystring: strictObject({
          ...targetQuery,
          since: { ...timeQuery, description: 'runs that finished at or after this time (ISO 8601: 2026-12-01 or 2026-12-01T03:00:00Z)' },
          until: { ...timeQuery, description: 'runs that finished at or before this time' },
          limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
          cursor: { type: 'string', minLength: 1, maxLength: 512, description: 'next_cursor of the previous page' },
        }),
        response: {
          200: { type: 'object', required: ['runs'], properties: { runs: { type: 'array', items: runSchema }, next_cursor: { type: 'string', description: 'absent on the last page' } } },
          ...errors(400, 401, 403, 503),
        },
      },
    }, async (req, reply) => {
      const h = history();
      if (!h) return unavailable(reply);
      const q = req.query;
      const since = parseTime(q.since);
      const until = parseTime(q.until);
      if (Number.isNaN(since)) return invalid(reply, 'query.since', `query.since is not a date: "${q.since}"`);
      if (Number.isNaN(until)) return invalid(reply, 'query.until', `query.until is not a date: "${q.until}"`);
      try {
        const page = h.runs({
          container: q.container,
          target: q.target,
          since,
          until,
          limit: q.limit,
          cursor: q.cursor,
        });
        return { runs: page.runs.map(withIsoTimes), ...(page.next_cursor ? { next_cursor: page.next_cursor } : {}) };
      } catch (err) {
        if (err instanceof RangeError) return invalid(reply, 'query.cursor', `query.cursor ${err.message.replace(/^cursor: /, '')}`);
        throw err;
      }
    });

    app.get('/api/history/targets', {
      config: { access: 'read' },
      schema: {
        summary: 'Per target the history knows: runs, failures, failure streak, last run and success, last size and duration',
        tags: ['history'],
        response: { 200: { type: 'object', required: ['targets'], properties: { targets: { type: 'array', items: summarySchema } } }, ...errors(401, 403, 503) },
      },
    }, async (_req, reply) => {
      const h = history();
      if (!h) return unavailable(reply);
      return { targets: h.targets().map(withIsoTimes) };
    });

    app.get<{ Querystring: { container: string; target: string; days?: number; tz?: string } }>('/api/history/days', {
      config: { access: 'read' },
      schema: {
        summary: "One target's runs per day (a calendar strip), oldest first, days without runs included",
        tags: ['history'],
        querystring: strictObject({
          ...targetQuery,
          days: { type: 'integer', minimum: 1, maximum: 400, default: 30 },
          tz: { type: 'string', minLength: 1, maxLength: 64, description: 'IANA zone the days are cut in; default the config\'s timezone' },
        }, ['container', 'target']),
        response: {
          200: { type: 'object', required: ['container', 'target', 'time_zone', 'days'], properties: { container: { type: 'string' }, target: { type: 'string' }, time_zone: { type: 'string' }, days: { type: 'array', items: daySchema } } },
          ...errors(400, 401, 403, 503),
        },
      },
    }, async (req, reply) => {
      const h = history();
      if (!h) return unavailable(reply);
      const tz = req.query.tz ?? timeZone;
      if (!timeZoneOk(tz)) return invalid(reply, 'query.tz', `query.tz must be an IANA time zone such as Europe/Berlin, got "${tz}"`);
      return { container: req.query.container, target: req.query.target, time_zone: tz, days: h.days(req.query.container, req.query.target, req.query.days ?? 30, tz) };
    });

    app.get<{ Querystring: { container: string; target: string; since?: string } }>('/api/history/series', {
      config: { access: 'read' },
      schema: {
        summary: "One target's size and duration per run, oldest first (for charts)",
        tags: ['history'],
        querystring: strictObject({ ...targetQuery, since: { ...timeQuery, description: 'ISO 8601; default 90 days ago' } }, ['container', 'target']),
        response: {
          200: { type: 'object', required: ['container', 'target', 'points'], properties: { container: { type: 'string' }, target: { type: 'string' }, points: { type: 'array', items: pointSchema } } },
          ...errors(400, 401, 403, 503),
        },
      },
    }, async (req, reply) => {
      const h = history();
      if (!h) return unavailable(reply);
      const since = parseTime(req.query.since) ?? Date.now() - 90 * 86_400_000;
      if (Number.isNaN(since)) return invalid(reply, 'query.since', `query.since is not a date: "${req.query.since}"`);
      return { container: req.query.container, target: req.query.target, points: h.series(req.query.container, req.query.target, since).map(withIsoTimes) };
    });

    app.get<{ Params: { kind: string }; Querystring: { container?: string; limit?: number } }>('/api/history/:kind', {
      config: { access: 'read' },
      schema: {
        summary: 'Recent restores, verifications, drills, notifications or discovery events, newest first',
        tags: ['history'],
        params: strictObject({ kind: { type: 'string', enum: Object.keys(KINDS) } }, ['kind']),
        querystring: strictObject({ container: targetQuery.container, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 } }),
        response: {
          200: { type: 'object', required: ['kind', 'records'], properties: { kind: { type: 'string', enum: Object.keys(KINDS) }, records: { type: 'array', items: { anyOf: Object.values(RECORD_SCHEMAS) } } } },
          ...errors(400, 401, 403, 503),
        },
      },
    }, async (req, reply) => {
      const h = history();
      if (!h) return unavailable(reply);
      const table = KINDS[req.params.kind]!;
      return { kind: req.params.kind, records: h.recent(table, req.query.limit ?? 50, req.query.container).map(withIsoTimes) };
    });
  };
}
