// What discovery needs from Docker. @baqup/docker implements it; marble tests use a scripted one.
import type { Observable } from 'rxjs';

/**
 * A trigger from the engine: a key (container id) or a request for a full re-list. An event may carry the engine's
 * attributes of the container (its labels, `name`, `image`): a `start` is shown from them before the inspect answers
 * when the config does not depend on the environment; the inspect still decides.
 */
export type DockerTrigger =
  | { kind: 'event'; id: string; action: string; attributes?: Readonly<Record<string, string>> }
  | { kind: 'resync' }
  | { kind: 'disconnected'; error: string };

export interface InspectedContainer {
  id: string;
  name: string;
  image: string;
  running: boolean;
  labels: Record<string, string>;
  /** `KEY=value` strings as the engine gives them (discovery's derive from an event passes an empty probe Map). */
  env: readonly string[] | ReadonlyMap<string, string>;
}

export interface DiscoverySource {
  triggers(): Observable<DockerTrigger>;
  /** Ids of the containers that carry `backup.enabled` (any value, so typos of its value still surface as errors). */
  listIds(signal?: AbortSignal): Promise<string[]>;
  /** null when the container no longer exists. */
  inspect(id: string, signal?: AbortSignal): Promise<InspectedContainer | null>;
}
