// What discovery needs from Docker. @baqup/docker implements it; marble tests use a scripted one.
import type { Observable } from 'rxjs';

/** A trigger from the engine. Carries a key (container id) or asks for a full re-list; never state. */
export type DockerTrigger =
  | { kind: 'event'; id: string; action: string }
  | { kind: 'resync' }
  | { kind: 'disconnected'; error: string };

export interface InspectedContainer {
  id: string;
  name: string;
  image: string;
  running: boolean;
  labels: Record<string, string>;
  env: string[];
}

export interface DiscoverySource {
  triggers(): Observable<DockerTrigger>;
  /** Ids of the containers that carry `backup.enabled` (any value, so typos of its value still surface as errors). */
  listIds(signal?: AbortSignal): Promise<string[]>;
  /** null when the container no longer exists. */
  inspect(id: string, signal?: AbortSignal): Promise<InspectedContainer | null>;
}
