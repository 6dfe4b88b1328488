// The one derive path: a container as Docker reports it → its backup config. The controller's live discovery and
// the CLI's one-shot listing (`plan`, `prune`) both go through here, so they can never disagree on a label.
import { parseLabels, type ContainerBackupConfig, type ControllerDefaults, type DesiredState } from '@baqup/core';
import { errorMessage } from '@baqup/core';
import type { DiscoverySource, InspectedContainer } from './source.js';

export type Derive = (c: InspectedContainer) => ContainerBackupConfig | Promise<ContainerBackupConfig>;

/** Labels and environment parsed against the controller's defaults. */
export function deriveFromLabels(defaults: ControllerDefaults): (c: InspectedContainer) => ContainerBackupConfig {
  return (c) => parseLabels(c.labels, c.env, defaults, { id: c.id, name: c.name, image: c.image });
}

/** Discovery keeps a container that carries `backup.enabled` and runs, or that baqup itself holds stopped. */
export function isDiscovered(c: InspectedContainer, held: boolean): boolean {
  return (c.running || held) && 'backup.enabled' in c.labels;
}

export interface DiscoverOnceOptions {
  derive: Derive;
  /** Keep stopped containers too (their labels still hold retention). */
  includeStopped?: boolean;
  signal?: AbortSignal;
}

export interface DiscoverOnceResult {
  desired: DesiredState;
  /** Containers that could not be inspected or derived; the others are still in `desired`. */
  failures: Array<{ id: string; name?: string; message: string }>;
}

/** One pass of discovery, by the same rules as `discover()`: list, inspect, keep, derive. */
export async function discoverOnce(source: DiscoverySource, options: DiscoverOnceOptions): Promise<DiscoverOnceResult> {
  const ids = await source.listIds(options.signal);
  const desired = new Map<string, ContainerBackupConfig>();
  const failures: DiscoverOnceResult['failures'] = [];
  for (const id of ids) {
    let c: InspectedContainer | null;
    try {
      c = await source.inspect(id, options.signal);
    } catch (err) {
      failures.push({ id, message: errorMessage(err) });
      continue;
    }
    // Gone since it was listed, or not one discovery would keep.
    if (c === null || !isDiscovered(c, options.includeStopped === true)) continue;
    try {
      desired.set(c.id, await options.derive(c));
    } catch (err) {
      failures.push({ id, name: c.name, message: errorMessage(err) });
    }
  }
  return { desired, failures };
}
