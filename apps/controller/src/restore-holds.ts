// Restore holds: while a restore loads, the controller's backups and drills of that target wait — a scheduled cold
// backup that stopped the container mid-restore, or captured a half-restored tree as the newest backup, would
// leave things worse. A hold is the target's lock (TargetLocks, the one backup jobs and drills take), kept as a
// lease: POST /api/restores/holds waits for the target's running job to finish, then holds it for `ttl_seconds`,
// renewed by PUT and ended by DELETE. A `baqup restore` killed mid-way (SIGKILL) frees the target when its lease
// runs out; a restore through POST /api/restores takes the lock in-process for as long as it loads.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ApiHoldLimitError, ApiNoHoldError, parseTargetName, targetKey, type Logger } from '@baqup/core';
import type { TargetLocks } from './drills/target-lock.js';
import { errors, isoTime, strictObject } from './http/schemas.js';
import type { RouteGroup } from './http/server.js';

/** At most this many targets held for restores at once (a hostile or buggy client cannot queue locks forever). */
export const MAX_HOLDS = 64;
export const DEFAULT_TTL_S = 60;
const MIN_TTL_S = 5;
const MAX_TTL_S = 600;

/** The lock key of `container`'s `type-instance` target (the API's pattern guarantees the dash). */
function keyOf(container: string, target: string): string {
  const name = parseTargetName(target);
  if (!name) throw new TypeError(`"${target}" is not a type-instance target name`);
  return targetKey(container, name);
}

export interface HoldView {
  id: string;
  container: string;
  target: string;
  expires_at: string;
}

interface Held {
  view: HoldView;
  release: () => void;
  timer: NodeJS.Timeout;
}

export class RestoreHolds {
  readonly #held = new Map<string, Held>();
  /** Holds asked for and still waiting for the target: they count against the limit too. */
  #waiting = 0;

  constructor(
    private readonly locks: TargetLocks,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Waits for the target's lock, then holds it for `ttlS` seconds; undefined when the limit is reached. */
  async take(container: string, target: string, ttlS: number): Promise<HoldView | undefined> {
    if (this.#held.size + this.#waiting >= MAX_HOLDS) return undefined;
    this.#waiting++;
    let release: () => void;
    try {
      release = await this.locks.acquire(keyOf(container, target));
    } finally {
      this.#waiting--;
    }
    const id = randomBytes(12).toString('hex');
    const view: HoldView = { id, container, target, expires_at: '' };
    const held: Held = { view, release, timer: this.#expiry(id, ttlS) };
    view.expires_at = new Date(this.now() + ttlS * 1000).toISOString();
    this.#held.set(id, held);
    this.logger.info('restore hold taken: backups and drills of the target wait', { event: 'restore.hold_taken', container, target, ttl_s: ttlS });
    return { ...view };
  }

  renew(id: string, ttlS: number): HoldView | undefined {
    const held = this.#held.get(id);
    if (!held) return undefined;
    clearTimeout(held.timer);
    held.timer = this.#expiry(id, ttlS);
    held.view.expires_at = new Date(this.now() + ttlS * 1000).toISOString();
    return { ...held.view };
  }

  release(id: string): boolean {
    const held = this.#held.get(id);
    if (!held) return false;
    this.#end(id, held);
    this.logger.info('restore hold released', { event: 'restore.hold_released', container: held.view.container, target: held.view.target });
    return true;
  }

  releaseAll(): void {
    for (const [id, held] of this.#held) this.#end(id, held);
  }

  list(): HoldView[] {
    return [...this.#held.values()].map((h) => ({ ...h.view }));
  }

  #expiry(id: string, ttlS: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      const held = this.#held.get(id);
      if (!held) return;
      this.#end(id, held);
      this.logger.warn('restore hold expired (its restore stopped renewing it): backups of the target go on', { event: 'restore.hold_expired', container: held.view.container, target: held.view.target });
    }, ttlS * 1000);
    timer.unref();
    return timer;
  }

  #end(id: string, held: Held): void {
    clearTimeout(held.timer);
    this.#held.delete(id);
    held.release();
  }
}

/** The in-process hold of an API restore: the target's lock for as long as the restore loads. */
export function lockTarget(locks: TargetLocks): (container: string, target: string) => Promise<() => Promise<void>> {
  return async (container, target) => {
    const release = await locks.acquire(keyOf(container, target));
    return async () => release();
  };
}

const name = { type: 'string', minLength: 1, maxLength: 255 } as const;
const ttl = { type: 'integer', minimum: MIN_TTL_S, maximum: MAX_TTL_S, description: `seconds the hold lasts unless renewed (default ${DEFAULT_TTL_S})` } as const;
const holdSchema = {
  type: 'object',
  required: ['id', 'container', 'target', 'expires_at'],
  properties: { id: { type: 'string' }, container: { type: 'string' }, target: { type: 'string' }, expires_at: isoTime },
} as const;
const idParams = strictObject({ id: { type: 'string', pattern: '^[0-9a-f]{24}$' } }, ['id']);
const noHold = (id: string) => ({ error: `no restore hold "${id}" on this controller (released, expired, or never taken)`, code: ApiNoHoldError.code, field: 'params.id' });

export function restoreHoldRoutes(holds: RestoreHolds): RouteGroup {
  return (app: FastifyInstance) => {
    app.post<{ Body: { container: string; target: string; ttl_seconds?: number } }>('/api/restores/holds', {
      config: { access: 'mutating' },
      schema: {
        summary: "Hold a target for a restore: waits for its running backup or drill, then keeps the controller's backups and drills of it waiting until released or expired",
        tags: ['restore'],
        security: [{ bearer: [] }],
        body: strictObject({ container: { ...name, description: 'the container the restore loads into' }, target: { ...name, pattern: '^[a-z0-9]+-[^/]+$', description: '`type-instance`' }, ttl_seconds: ttl }, ['container', 'target']),
        response: { 200: holdSchema, ...errors(400, 401, 403, 413, 415, 429) },
      },
    }, async (req, reply) => {
      const view = await holds.take(req.body.container, req.body.target, req.body.ttl_seconds ?? DEFAULT_TTL_S);
      if (!view) return reply.code(429).send({ error: `this controller already holds ${MAX_HOLDS} targets for restores: release one (DELETE /api/restores/holds/{id}) or wait for it to expire`, code: ApiHoldLimitError.code });
      return view;
    });

    app.put<{ Params: { id: string }; Body: { ttl_seconds?: number } | undefined }>('/api/restores/holds/:id', {
      config: { access: 'mutating' },
      schema: {
        summary: 'Renew a restore hold for another ttl_seconds',
        tags: ['restore'],
        security: [{ bearer: [] }],
        params: idParams,
        body: strictObject({ ttl_seconds: ttl }),
        response: { 200: holdSchema, ...errors(400, 401, 403, 404, 413, 415) },
      },
    }, async (req, reply) => {
      const view = holds.renew(req.params.id, req.body?.ttl_seconds ?? DEFAULT_TTL_S);
      return view ?? reply.code(404).send(noHold(req.params.id));
    });

    app.delete<{ Params: { id: string } }>('/api/restores/holds/:id', {
      config: { access: 'mutating' },
      schema: {
        summary: "Release a restore hold: the target's waiting backups and drills run",
        tags: ['restore'],
        security: [{ bearer: [] }],
        params: idParams,
        response: { 200: strictObject({ released: { type: 'boolean' } }, ['released']), ...errors(400, 401, 403, 404) },
      },
    }, async (req, reply) => (holds.release(req.params.id) ? { released: true } : reply.code(404).send(noHold(req.params.id))));
  };
}
