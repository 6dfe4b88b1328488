// Adapts the Docker client to what discovery needs: triggers, label-filtered ids, inspect (null when gone).
// On a Swarm node it also watches the node's tasks (containers with `com.docker.swarm.service.id`), whose
// `backup.*` labels may be their service's (`deploy.labels`) rather than their own (DockerClient.withServiceLabels).
import { defer, from, merge, of } from 'rxjs';
import { catchError, filter, map, mergeMap } from 'rxjs/operators';
import { SWARM_SERVICE_ID_LABEL } from '@baqup/core';
import type { DiscoverySource, DockerTrigger } from './source.js';
import type { DockerClient, DockerEvent } from '@baqup/docker';
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

const toTrigger = (e: DockerEvent): DockerTrigger => {
  if (e.kind === 'event') return { kind: 'event', id: e.id, action: e.action, attributes: e.attributes };
  if (e.kind === 'resync') return { kind: 'resync' };
  return { kind: 'disconnected', error: e.error };
};

export function dockerDiscoverySource(docker: DockerClient, options: DockerSourceOptions = {}): DiscoverySource {
  const all = options.includeStopped === true;
  // Whether the engine is an active Swarm node, asked when triggers are subscribed and at every re-list: an engine
  // that cannot answer counts as none (its own events stream reports the outage).
  const inSwarm = (signal?: AbortSignal): Promise<boolean> =>
    docker.swarmNode(signal).then((n) => n.state === 'active', () => false);
  const list = async (labels: string[], signal?: AbortSignal): Promise<string[]> =>
    (await docker.list({ labels, ...(all ? { all } : {}), ...(signal ? { signal } : {}) })).map((c) => c.id);
  return {
    triggers: () => {
      // Labels are fixed when a container is created, so the engine may drop every event of containers without
      // `backup.enabled`: discovery never keeps those (the full re-list asks for the same label).
      const labelled = docker.events({ backoff: reconnectDelay, actions: DISCOVERY_ACTIONS, labels: ['backup.enabled'] }).pipe(map(toTrigger));
      // A task whose `backup.enabled` is its service's label only: its events come through a second stream, of
      // which only events count (the first stream's resync re-lists tasks too; the periodic re-list covers a gap).
      const tasks = defer(() => from(inSwarm())).pipe(
        mergeMap((swarm) =>
          swarm ? docker.events({ backoff: reconnectDelay, actions: DISCOVERY_ACTIONS, labels: [SWARM_SERVICE_ID_LABEL] }).pipe(filter((e) => e.kind === 'event'), map(toTrigger)) : of<never>(),
        ),
        catchError(() => of<never>()),
      );
      return merge(labelled, tasks);
    },
    listIds: async (signal) => {
      const ids = await list(['backup.enabled'], signal);
      if (!(await inSwarm(signal))) return ids;
      const tasks = await list([SWARM_SERVICE_ID_LABEL], signal);
      return [...new Set([...ids, ...tasks])];
    },
    inspect: async (id, signal) => {
      try {
        const c = await docker.inspect(id, signal);
        const labels = await docker.withServiceLabels(c.labels, signal);
        return { id: c.id, name: c.name, image: c.image, running: c.state.running, labels, env: c.env };
      } catch (err) {
        if (err instanceof DockerNotFoundError) return null;
        throw err;
      }
    },
  };
}
