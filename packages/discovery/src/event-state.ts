// Desired state straight from a Docker event: the engine puts every label of the container, its name and its image
// into the event's `Actor.Attributes`, which is all the labels' parse needs — unless the parse reads the container's
// environment (database targets take their user and password from it). So a `start` event is derived at once with
// an environment that notes whether it was looked at; only when it was not is that config used before the inspect
// answers (the inspect that follows confirms it, or corrects it). A config that needs the env waits for the inspect.
import { SWARM_SERVICE_ID_LABEL, type ContainerBackupConfig } from '@baqup/core';
import type { Derive } from './derive.js';
import type { InspectedContainer } from './source.js';

/** An empty environment that remembers whether anything asked it anything. */
export class EnvProbe extends Map<string, string> {
  #read = false;

  get read(): boolean {
    return this.#read;
  }

  override get(key: string): string | undefined {
    this.#read = true;
    return super.get(key);
  }

  override has(key: string): boolean {
    this.#read = true;
    return super.has(key);
  }

  override get size(): number {
    this.#read = true;
    return super.size;
  }

  override forEach(cb: (value: string, key: string, map: Map<string, string>) => void, thisArg?: unknown): void {
    this.#read = true;
    super.forEach(cb, thisArg);
  }

  override entries(): MapIterator<[string, string]> {
    this.#read = true;
    return super.entries();
  }

  override keys(): MapIterator<string> {
    this.#read = true;
    return super.keys();
  }

  override values(): MapIterator<string> {
    this.#read = true;
    return super.values();
  }

  override [Symbol.iterator](): MapIterator<[string, string]> {
    this.#read = true;
    return super[Symbol.iterator]();
  }
}

/**
 * The container a `start` event describes, as an inspect would (running, env left out), or null when the event
 * does not carry `backup.enabled`. The engine writes every label of the container into the attributes, then
 * `name` and `image` over them (a label literally called `name` or `image` is lost here: the inspect that follows
 * restores it; the parse reads `backup.*` and `com.docker.compose.*` labels, never those).
 */
export function containerFromAttributes(id: string, attributes: Readonly<Record<string, string>>): InspectedContainer | null {
  if (!('backup.enabled' in attributes)) return null;
  // A Swarm task's config may come from its service's labels as well, which only the inspect path reads.
  if (SWARM_SERVICE_ID_LABEL in attributes) return null;
  const { name = '', image = '', ...labels } = attributes;
  return { id, name: name.replace(/^\//, ''), image, running: true, labels, env: [] };
}

/**
 * The config of `c` derived without its environment, or null when the derive looked at the environment (the
 * inspect must supply it), threw (the inspect's pass reports it), or is asynchronous (its answer could arrive
 * after the inspect's; the inspect alone decides then).
 */
export function deriveWithoutEnv(derive: Derive, c: InspectedContainer): ContainerBackupConfig | null {
  const env = new EnvProbe();
  let config: ReturnType<Derive>;
  try {
    config = derive({ ...c, env });
  } catch {
    return null;
  }
  if (config instanceof Promise) {
    config.catch(() => undefined);
    return null;
  }
  return env.read ? null : config;
}
