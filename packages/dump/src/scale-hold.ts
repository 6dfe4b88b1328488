// The cold hold of a Swarm task (`backup.stop=true` on a replicated service): stopping the task's container would
// only make Swarm start a replacement, so the service is scaled to 0 and back to the exact replica count it had.
// Scaling down removes the task's container, so the copy reads from a stand-in created first (never started) with
// the task's named volumes and binds; the count and the stand-in are journaled before the scale, and the journal
// replay scales the service back after a crash (replay-journal.ts).
import type { Logger } from '@baqup/core';
import { DockerNotFoundError, type DockerClient } from '@baqup/docker';
import type { ScaledService } from './journal.js';

export interface SwarmHold {
  serviceId: string;
  service: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The stand-in for `containerId` and the service's replica count, or undefined for a global service (not scalable). */
export async function prepareScale(docker: DockerClient, containerId: string, swarm: SwarmHold): Promise<ScaledService | undefined> {
  const replicas = await docker.serviceReplicas(swarm.serviceId);
  if (replicas === undefined || replicas < 1) return undefined;
  const standIn = await docker.createStandIn({
    sourceId: containerId,
    name: `baqup-standin-${swarm.service.replace(/[^A-Za-z0-9_.-]/g, '-')}-${Date.now().toString(36)}`,
    labels: { 'baqup.standin': swarm.service },
  });
  return { id: swarm.serviceId, name: swarm.service, replicas, standIn };
}

/** Scales to 0 and waits until the task's container no longer runs (gone, or stopped), within `timeoutMs`. */
export async function scaleDown(docker: DockerClient, containerId: string, s: ScaledService, timeoutMs: number): Promise<void> {
  await docker.scaleService(s.id, 0);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (!(await docker.isRunning(containerId))) return;
    } catch (err) {
      if (err instanceof DockerNotFoundError) return;
      throw err;
    }
    if (Date.now() > deadline) throw new Error(`service ${s.name}: its task ${containerId.slice(0, 12)} still runs ${Math.round(timeoutMs / 1000)} s after scaling to 0`);
    await sleep(200);
  }
}

/** Back to the replica count it had (unless someone scaled it meanwhile), then the stand-in removed. */
export async function scaleBack(docker: DockerClient, s: ScaledService, logger: Logger): Promise<void> {
  let current: number | undefined;
  try {
    current = await docker.serviceReplicas(s.id);
  } catch (err) {
    if (!(err instanceof DockerNotFoundError)) throw err;
    logger.warn('service removed while scaled to 0 for a backup', { container: s.name });
    current = undefined;
  }
  if (current === 0) await docker.scaleService(s.id, s.replicas);
  else if (current !== undefined) logger.warn('service was scaled by someone else during the backup; its count is left as it is', { container: s.name, replicas: current, replicas_before: s.replicas });
  if (s.standIn) await docker.removeContainer(s.standIn).catch(() => undefined);
}
