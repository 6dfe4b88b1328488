// GET /api/unprotected: the running containers that look like a database (postgres, mariadb/mysql, mongo, redis by
// image; a SQLite file on a volume) but carry no backup.* label, each with the labels that would back it up — the
// same detection as `baqup suggest --running` (discovery's suggestForContainer). Env values are never read into the
// answer (credentials are named by env NAME). Each container is looked at once per id (the SQLite search execs
// `find` in it), so an open dashboard does not search the host's volumes on every refresh.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { controllerDefaults, errorCode, errorMessage, type ControllerConfig, type Suggestion } from '@baqup/core';
import type { DockerClient } from '@baqup/docker';
import { suggestForContainer } from '@baqup/discovery';
import { errors, isoTime } from './schemas.js';
import type { RouteGroup } from './server.js';

export interface UnprotectedContainer {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  targets: Array<{ type: string; instance: string; reason: string }>;
  notes: string[];
}

export interface UnprotectedAnswer {
  checked_at: string;
  /** Running containers looked at. */
  checked: number;
  containers: UnprotectedContainer[];
  problems: Array<{ container: string; message: string }>;
}

const containerSchema = {
  type: 'object',
  required: ['id', 'name', 'image', 'labels', 'targets', 'notes'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    image: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' }, description: 'the backup.* labels to add, backup.enabled first' },
    targets: { type: 'array', items: { type: 'object', required: ['type', 'instance', 'reason'], properties: { type: { type: 'string' }, instance: { type: 'string' }, reason: { type: 'string' } } } },
    notes: { type: 'array', items: { type: 'string' }, description: 'what to check or decide: a password not mapped, a database without a volume' },
  },
} as const;

export const unprotectedSchema = {
  type: 'object',
  required: ['checked_at', 'checked', 'containers', 'problems'],
  properties: {
    checked_at: isoTime,
    checked: { type: 'integer', description: 'running containers looked at' },
    containers: { type: 'array', items: containerSchema },
    problems: { type: 'array', items: { type: 'object', required: ['container', 'message'], properties: { container: { type: 'string' }, message: { type: 'string' } } } },
  },
} as const;

const CONCURRENCY = 2;

/** Suggestions by container id, kept while the container exists; one look at a time per id. */
export class UnprotectedScanner {
  readonly #cache = new Map<string, Promise<{ name: string; image: string; suggestion: Suggestion }>>();
  #inFlight: Promise<UnprotectedAnswer> | undefined;

  constructor(
    private readonly docker: DockerClient,
    private readonly config: ControllerConfig,
  ) {}

  scan(): Promise<UnprotectedAnswer> {
    // Concurrent requests share one scan.
    this.#inFlight ??= this.#scan().finally(() => (this.#inFlight = undefined));
    return this.#inFlight;
  }

  async #scan(): Promise<UnprotectedAnswer> {
    const running = await this.docker.list();
    const ids = new Set(running.map((c) => c.id));
    for (const id of this.#cache.keys()) if (!ids.has(id)) this.#cache.delete(id);
    const problems: UnprotectedAnswer['problems'] = [];
    const out: UnprotectedContainer[] = [];
    // A container with any backup.* label is the controller's (protected, or a label problem /api/containers shows).
    const candidates = running.filter((c) => !Object.keys(c.labels).some((k) => k.startsWith('backup.')));
    const defaults = controllerDefaults(this.config);
    let next = 0;
    const worker = async () => {
      while (next < candidates.length) {
        const c = candidates[next++]!;
        let pending = this.#cache.get(c.id);
        if (!pending) {
          pending = (async () => {
            const info = await this.docker.inspect(c.id);
            return { name: info.name, image: info.image, suggestion: await suggestForContainer(this.docker, info, { defaults, timeoutMs: 10_000 }) };
          })();
          this.#cache.set(c.id, pending);
        }
        try {
          const { name, image, suggestion: s } = await pending;
          if (s.status === 'suggested') out.push({ id: c.id, name, image, labels: s.labels, targets: s.targets.map((t) => ({ type: t.type, instance: t.instance, reason: t.reason })), notes: s.notes });
        } catch (err) {
          // Gone between the list and the inspect, or the engine refused: said, and looked at again next time.
          this.#cache.delete(c.id);
          problems.push({ container: c.name, message: errorMessage(err) });
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    out.sort((a, b) => a.name.localeCompare(b.name));
    return { checked_at: new Date().toISOString(), checked: running.length, containers: out, problems };
  }
}

const engineFailed = (reply: FastifyReply, err: unknown) => reply.code(502).send({ error: `the Docker engine could not list the containers: ${errorMessage(err)}`, code: errorCode(err) });

export function unprotectedRoutes(scanner: UnprotectedScanner): RouteGroup {
  return (app: FastifyInstance) => {
    app.get('/api/unprotected', {
      config: { access: 'read' },
      schema: {
        summary: 'Running containers that look like a database but have no backup.* labels, with the labels to add (as baqup suggest --running)',
        tags: ['state'],
        response: { 200: unprotectedSchema, ...errors(401, 403, 502) },
      },
    }, async (_req, reply) => {
      try {
        return await scanner.scan();
      } catch (err) {
        return engineFailed(reply, err);
      }
    });
  };
}
