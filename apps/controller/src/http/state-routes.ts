// Read-only views of the controller state.
import type { FastifyInstance } from 'fastify';
import { TARGET_TYPES } from '@baqup/core';
import type { StateStore } from '@baqup/state';
import { containerView, containersView, holdView as holdOf } from '@baqup/state';
import { errors, isoTime, strictObject } from './schemas.js';
import type { RouteGroup } from './server.js';
import { ApiNoContainerError } from '@baqup/core';

const labelError = {
  type: 'object',
  required: ['label', 'value', 'message'],
  properties: { label: { type: 'string' }, value: { type: 'string' }, message: { type: 'string' }, expected: { type: 'string' }, suggestion: { type: 'string' } },
} as const;

const targetView = {
  type: 'object',
  required: ['key', 'type', 'instance', 'schedule', 'compress', 'status'],
  properties: {
    key: { type: 'string', description: 'container/type-instance' },
    type: { type: 'string', enum: [...TARGET_TYPES] },
    instance: { type: 'string' },
    schedule: { type: 'string' },
    cron: { type: 'string' },
    retention: { type: 'object', additionalProperties: true },
    compress: { type: 'string', enum: ['gzip', 'zstd', 'none'] },
    databases: { oneOf: [{ type: 'string', enum: ['all'] }, { type: 'array', items: { type: 'string' } }] },
    path: { type: 'string' },
    status: { type: 'string', enum: ['healthy', 'warning', 'error', 'unknown'] },
    nextRun: isoTime,
    lastRun: isoTime,
    lastSuccess: isoTime,
    lastError: { type: 'string' },
  },
} as const;

const errorShape = { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } as const;

const holdView = {
  type: 'object',
  description: 'present while baqup holds the container stopped (a cold backup), or its start afterwards failed and is retried with backoff',
  required: ['status', 'since'],
  properties: {
    status: { type: 'string', enum: ['stopping', 'stopped', 'start-failed'] },
    since: isoTime,
    attempts: { type: 'integer', description: 'failed start attempts so far (start-failed)' },
    lastError: errorShape,
  },
} as const;

const heldContainer = {
  type: 'object',
  required: ['id', 'name', 'status', 'since'],
  properties: { id: { type: 'string' }, name: { type: 'string' }, ...holdView.properties },
} as const;

export const containerViewSchema = {
  type: 'object',
  required: ['id', 'name', 'image', 'stop', 'targets', 'errors'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    image: { type: 'string' },
    stop: { type: 'boolean' },
    targets: { type: 'array', items: targetView },
    errors: { type: 'array', items: labelError },
    hold: holdView,
  },
} as const;

const stateEvent = {
  type: 'object',
  required: ['time', 'event', 'message'],
  properties: { time: isoTime, event: { type: 'string' }, container: { type: 'string' }, target: { type: 'string' }, message: { type: 'string' } },
} as const;

const statusView = {
  type: 'object',
  required: ['docker', 'containers', 'targets', 'queue'],
  properties: {
    docker: { type: 'object', required: ['connected', 'address'], properties: { connected: { type: 'boolean' }, address: { type: 'string' }, lastError: { type: 'string' } } },
    containers: { type: 'integer', description: 'labelled containers known' },
    targets: { type: 'integer' },
    queue: { type: 'object', required: ['running', 'queued'], properties: { running: { type: 'array', items: { type: 'string' } }, queued: { type: 'array', items: { type: 'string' } } } },
    halted: { type: 'string', description: 'why new jobs are held back (staging full), when they are' },
    held: { type: 'array', items: heldContainer, description: 'containers baqup holds stopped or is trying to start again' },
  },
} as const;

const nameParams = strictObject({ name: { type: 'string', minLength: 1, maxLength: 255, description: 'container name' } }, ['name']);

/** What GET /api/status answers (and the stream's `status` event carries). */
export function statusOf(store: StateStore, halted: () => string | undefined) {
  const s = store.snapshot();
  const halt = halted();
  const held = s.held.map((h) => ({ id: h.containerId, name: h.containerName, ...holdOf(h) }));
  return { docker: s.docker, containers: s.containers.size, targets: s.targets.size, queue: s.queue, held, ...(halt ? { halted: halt } : {}) };
}

/** `halted` (optional) says why new jobs are held back now, e.g. a full staging disk. */
export function stateRoutes(store: StateStore, halted: () => string | undefined = () => undefined): RouteGroup {
  return (app: FastifyInstance) => {
    app.get('/api/containers', {
      config: { access: 'read' },
      schema: { summary: 'Every labelled container with its targets and their state', tags: ['state'], response: { 200: { type: 'array', items: containerViewSchema }, ...errors(401, 403) } },
    }, async () => containersView(store.snapshot()));

    app.get<{ Params: { name: string } }>('/api/containers/:name', {
      config: { access: 'read' },
      schema: { summary: 'One labelled container by name', tags: ['state'], params: nameParams, response: { 200: containerViewSchema, ...errors(400, 401, 403, 404) } },
    }, async (req, reply) => {
      const state = store.snapshot();
      const c = state.containers.get(req.params.name);
      if (!c) return reply.code(404).send({ error: `no labelled container named "${req.params.name}"`, code: ApiNoContainerError.code, field: 'params.name' });
      return containerView(state, c);
    });

    app.get('/api/events', {
      config: { access: 'read' },
      schema: { summary: 'Recent events (discovery, jobs), oldest first', tags: ['state'], response: { 200: { type: 'array', items: stateEvent }, ...errors(401, 403) } },
    }, async () => store.snapshot().recentEvents);

    app.get('/api/status', {
      config: { access: 'read' },
      schema: { summary: 'Engine connection, counts and the job queue', tags: ['state'], response: { 200: statusView, ...errors(401, 403) } },
    }, async () => statusOf(store, halted));
  };
}
