// Adapts the Docker client to what discovery needs: triggers, label-filtered ids, inspect (null when gone).
import { map } from 'rxjs/operators';
import type { DiscoverySource, DockerTrigger } from './source.js';
import type { DockerClient } from '@baqup/docker';
import { DockerNotFoundError, backoff } from '@baqup/docker';

// Reconnect attempts to the events stream at most 2 s apart (jittered 1–2 s): the view must match the engine
// within 5 s of it answering again however long it was down; the default 30 s cap missed that after a 20 s
// outage (e2e/test/discovery-restart.test.ts). A refused connect to the socket costs next to nothing.
const reconnectDelay = (attempt: number): number => backoff(attempt, { maxMs: 2_000, random: Math.random });

/**
 * The only container events discovery acts on: a container starts running, stops, is removed (a held one), is
 * renamed. Not `create` (a created container is not running, so not kept) nor `health_status` (not part of the
 * desired state): each event the engine sends costs an inspect.
 */
export const DISCOVERY_ACTIONS = ['start', 'die', 'destroy', 'rename'] as const;

export interface DockerSourceOptions {
  /** List stopped containers too (the CLI's prune: a stopped container's labels still say how long its backups are kept). */
  includeStopped?: boolean;
}

export function dockerDiscoverySource(docker: DockerClient, options: DockerSourceOptions = {}): DiscoverySource {
  const all = options.includeStopped === true;
  return {
    triggers: () =>
      // Labels are fixed when a container is created, so the engine may drop every event of containers without
      // `backup.enabled`: discovery never keeps those (the full re-list asks for the same label).
      docker.events({ backoff: reconnectDelay, actions: DISCOVERY_ACTIONS, labels: ['backup.enabled'] }).pipe(
        map((e): DockerTrigger => {
          if (e.kind === 'event') return { kind: 'event', id: e.id, action: e.action, attributes: e.attributes };
          if (e.kind === 'resync') return { kind: 'resync' };
          return { kind: 'disconnected', error: e.error };
        }),
      ),
    listIds: async (signal) => (await docker.list({ labels: ['backup.enabled'], ...(all ? { all } : {}), ...(signal ? { signal } : {}) })).map((c) => c.id),
    inspect: async (id, signal) => {
      try {
        const c = await docker.inspect(id, signal);
        return { id: c.id, name: c.name, image: c.image, running: c.state.running, labels: c.labels, env: c.env };
      } catch (err) {
        if (err instanceof DockerNotFoundError) return null;
        throw err;
      }
    },
  };
}
