// The drill's throwaway container: the target's own image and command, network none, no published ports, none of
// the original's volumes, memory and CPU limits, labelled as a drill of this controller (so a controller that
// crashed mid-drill sweeps its own at the next start, and never another controller's).
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import type { DockerClient } from '@baqup/docker';

/** Value: the owning controller's id (drillOwner). */
export const DRILL_LABEL = 'baqup.drill';
export const DRILL_SOURCE_LABEL = 'baqup.drill.source';
export const DRILL_TARGET_LABEL = 'baqup.drill.target';

export interface DrillLimits {
  memoryBytes: number;
  cpus: number;
}

export const DEFAULT_DRILL_LIMITS: DrillLimits = { memoryBytes: 1024 * 1024 * 1024, cpus: 1 };

/** Docker names allow [a-zA-Z0-9_.-]. */
const safe = (s: string) => s.replace(/[^a-zA-Z0-9_.-]/g, '_').slice(0, 60);

export async function createDrillContainer(
  docker: DockerClient,
  o: { sourceId: string; container: string; target: string; owner: string; limits: DrillLimits; signal?: AbortSignal },
): Promise<{ id: string; name: string }> {
  const name = `baqup-drill-${safe(o.container)}-${safe(o.target)}-${randomBytes(4).toString('hex')}`;
  const id = await docker.createThrowaway({
    sourceId: o.sourceId,
    name,
    labels: { [DRILL_LABEL]: o.owner, [DRILL_SOURCE_LABEL]: o.container, [DRILL_TARGET_LABEL]: o.target },
    memoryBytes: o.limits.memoryBytes,
    nanoCpus: Math.round(o.limits.cpus * 1e9),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  return { id, name };
}

/** Removes every drill container of `owner` (running or not): at start, after a crash. Resolves their names. */
export async function sweepDrillContainers(docker: DockerClient, owner: string): Promise<string[]> {
  const left = await docker.list({ all: true, labels: [`${DRILL_LABEL}=${owner}`] });
  for (const c of left) await docker.removeContainer(c.id);
  return left.map((c) => c.name);
}

/** Makes `dir` (and its parents) exist in the container through the archive API: no shell or mkdir needed. */
export async function ensureDir(docker: DockerClient, id: string, dir: string, signal?: AbortSignal): Promise<void> {
  const parts = posix.normalize(dir).split('/').filter(Boolean);
  if (parts.length === 0) return;
  if (await docker.statPath(id, dir, signal)) return;
  const pack = tar.pack();
  for (let i = 1; i <= parts.length; i++) pack.entry({ name: `${parts.slice(0, i).join('/')}/`, type: 'directory', mode: 0o755 });
  pack.finalize();
  await docker.putArchive(id, '/', pack as unknown as Readable, signal);
}
