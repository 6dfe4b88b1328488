// The state of one discovery subscription: the containers known, the inspects in flight (one per id, later
// triggers coalesced into one more pass), the full re-list (one at a time, a bounded pool of inspects). Told
// `changed` whenever what is known changed; discover() batches those into one emission per event-loop turn.
import { setMaxListeners } from 'node:events';
import type { ContainerBackupConfig, DesiredState, Logger } from '@baqup/core';
import { DiscoveryDeriveError, DiscoveryInspectError, DiscoveryListError, errorMessage } from '@baqup/core';
import type { DiscoverySource, InspectedContainer } from './source.js';
import { configFingerprint } from './fingerprint.js';
import { isDiscovered, type Derive } from './derive.js';
import { containerFromAttributes, deriveWithoutEnv } from './event-state.js';

/** Inspects in flight at once during a full re-list (events are not held back by it). */
export const RELIST_CONCURRENCY = 8;

export interface DiscoveryOptions {
  /** Usually `deriveFromLabels(defaults)`, the derive the CLI uses too. */
  derive: Derive;
  logger: Logger;
  /** Periodic full re-list, in ms; 0 disables. */
  resyncIntervalMs: number;
  /** Containers stopped by baqup itself stay known while stopped (their backup is running). */
  isHeld?: (id: string) => boolean;
  onDisconnected?: (error: string) => void;
  onConnected?: () => void;
  /** Inspects in flight at once during a full re-list; default RELIST_CONCURRENCY. */
  relistConcurrency?: number;
}

export type Key = { kind: 'id'; id: string; action?: string; attributes?: Readonly<Record<string, string>> } | { kind: 'all' };

interface Known {
  config: ContainerBackupConfig;
  fingerprint: string;
  /** Taken from an event's attributes, not yet confirmed by an inspect. */
  fromEvent: boolean;
}

export class ContainerReconciler {
  readonly #known = new Map<string, Known>();
  readonly #inFlight = new Map<string, boolean>(); // id → dirty flag
  readonly #abort = new AbortController();
  readonly #concurrency: number;
  #listing: Promise<void> | null = null;
  #relistAgain = false;

  constructor(
    private readonly source: DiscoverySource,
    private readonly options: DiscoveryOptions,
    private readonly changed: () => void,
  ) {
    // One signal is shared by every in-flight inspect; a burst of 100 starts is not a listener leak.
    setMaxListeners(0, this.#abort.signal);
    this.#concurrency = Math.max(1, options.relistConcurrency ?? RELIST_CONCURRENCY);
  }

  /** What is known now, by container id. */
  desired(): DesiredState {
    return new Map([...this.#known].map(([id, v]) => [id, v.config]));
  }

  handle(key: Key): void {
    if (key.kind === 'all') return this.#relist();
    if (key.action === 'start' && key.attributes) this.#fromEvent(key.id, key.attributes);
    void this.#reconcile(key.id);
  }

  /** Aborts the inspects and lists in flight. */
  stop(): void {
    this.#abort.abort();
  }

  async #reconcile(id: string): Promise<void> {
    if (this.#inFlight.has(id)) {
      this.#inFlight.set(id, true);
      return;
    }
    this.#inFlight.set(id, false);
    try {
      do {
        this.#inFlight.set(id, false);
        if (await this.#reconcileOnce(id)) this.changed();
      } while (this.#inFlight.get(id) === true && !this.#abort.signal.aborted);
    } finally {
      this.#inFlight.delete(id);
    }
  }

  /** Keep `config` for `id`; true when that changed what is known (then it is logged). */
  #accept(id: string, config: ContainerBackupConfig, fromEvent: boolean): boolean {
    const previous = this.#known.get(id);
    const fingerprint = configFingerprint(config);
    if (previous?.fingerprint === fingerprint) {
      // Confirmed: the same object stays (consumers compare configs by identity).
      if (!fromEvent) previous.fromEvent = false;
      return false;
    }
    this.#known.set(id, { config, fingerprint, fromEvent });
    const event = previous ? 'container.updated' : 'container.discovered';
    this.options.logger.info(previous ? 'container updated' : 'container discovered', { event, container: config.containerName, targets: config.targets.length });
    for (const e of config.errors) this.options.logger.warn(e.message, { event: 'container.invalid', container: config.containerName, label: e.label });
    return true;
  }

  /**
   * A `start` event of a container not known yet: shown from its attributes when they suffice. Not while a full
   * re-list runs: one follows every (re)connect, and the events replayed then (`since`) may be of containers
   * that are long stopped or gone; the re-list's inspects decide for those.
   */
  #fromEvent(id: string, attributes: Readonly<Record<string, string>>): void {
    if (this.#listing !== null) return;
    if (this.#known.has(id)) return; // labels never change on a container: the inspect keeps a known one right
    const c = containerFromAttributes(id, attributes);
    if (c === null) return;
    const config = deriveWithoutEnv(this.options.derive, c);
    if (config !== null && this.#accept(id, config, true)) this.changed();
  }

  async #reconcileOnce(id: string): Promise<boolean> {
    let inspected: InspectedContainer | null;
    try {
      inspected = await this.source.inspect(id, this.#abort.signal);
    } catch (err) {
      this.options.logger.warn('inspect failed; will retry on next trigger', { container: id, error: new DiscoveryInspectError(errorMessage(err), { cause: err }) });
      return false;
    }
    // A trigger arrived while this answer was on its way: it may be older than what that trigger saw (a `die`
    // answered after the `start` that followed). The next pass, which runs anyway, decides.
    if (this.#inFlight.get(id) === true) return false;
    const keep = inspected !== null && isDiscovered(inspected, this.options.isHeld?.(id) ?? false);
    const previous = this.#known.get(id);
    if (!keep || inspected === null) {
      if (!previous) return false;
      this.#known.delete(id);
      this.options.logger.info('container removed', { event: 'container.removed', container: previous.config.containerName });
      return true;
    }
    let config: ContainerBackupConfig;
    try {
      config = await this.options.derive(inspected);
    } catch (err) {
      this.options.logger.error('label parsing failed', { event: 'container.invalid', container: inspected.name, error: new DiscoveryDeriveError(errorMessage(err), { cause: err }) });
      return false;
    }
    return this.#accept(id, config, false);
  }

  async #relistOnce(): Promise<void> {
    let ids: string[];
    try {
      ids = await this.source.listIds(this.#abort.signal);
    } catch (err) {
      this.options.logger.warn('container list failed; will retry on next trigger', { error: new DiscoveryListError(errorMessage(err), { cause: err }) });
      return;
    }
    this.options.onConnected?.();
    // A bounded pool: a host with hundreds of containers must not put hundreds of inspects on the engine at once.
    const queue = [...new Set([...ids, ...this.#known.keys()])];
    const worker = async (): Promise<void> => {
      for (let id = queue.shift(); id !== undefined && !this.#abort.signal.aborted; id = queue.shift()) await this.#reconcile(id);
    };
    await Promise.all(Array.from({ length: Math.min(queue.length, this.#concurrency) }, worker));
  }

  #relist(): void {
    if (this.#listing) {
      this.#relistAgain = true;
      return;
    }
    this.#listing = (async () => {
      do {
        this.#relistAgain = false;
        await this.#relistOnce();
      } while (this.#relistAgain && !this.#abort.signal.aborted);
    })().finally(() => {
      this.#listing = null;
    });
  }
}
