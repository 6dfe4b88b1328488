// Level-triggered reconcile: every trigger becomes "re-read this container (or all) and derive its config".
// Per id, at most one reconcile runs at a time; triggers arriving meanwhile coalesce into one more pass.
// Changes are emitted at most once per event-loop turn: a burst of N starts costs each consumer (the scheduler
// recomputes next runs of every target on each desired state) one pass per turn, not one pass per container.
// A `start` event whose attributes (labels, name, image) are all the config needs is shown at once, before the
// inspect answers (event-state.ts); the inspect that follows confirms it (same fingerprint: nothing emitted) or
// corrects it. An inspect whose answer is older than a trigger that arrived while it was asked is not applied: the
// pass that trigger asked for decides (so a `create`'s or `die`'s late answer cannot undo a newer `start`).
import { setMaxListeners } from 'node:events';
import { Observable, merge, timer } from 'rxjs';
import { map } from 'rxjs/operators';
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

type Key = { kind: 'id'; id: string; action?: string; attributes?: Readonly<Record<string, string>> } | { kind: 'all' };

interface Known {
  config: ContainerBackupConfig;
  fingerprint: string;
  /** Taken from an event's attributes, not yet confirmed by an inspect. */
  fromEvent: boolean;
}

export function discover(source: DiscoverySource, options: DiscoveryOptions): Observable<DesiredState> {
  return new Observable<DesiredState>((subscriber) => {
    const known = new Map<string, Known>();
    const inFlight = new Map<string, boolean>(); // id → dirty flag
    const abort = new AbortController();
    // One signal is shared by every in-flight inspect; a burst of 100 starts is not a listener leak.
    setMaxListeners(0, abort.signal);
    let listing: Promise<void> | null = null;
    const concurrency = Math.max(1, options.relistConcurrency ?? RELIST_CONCURRENCY);
    let relistAgain = false;

    const emit = () => subscriber.next(new Map([...known].map(([id, v]) => [id, v.config])));
    let pendingEmit: ReturnType<typeof setImmediate> | undefined;
    const scheduleEmit = () => {
      pendingEmit ??= setImmediate(() => {
        pendingEmit = undefined;
        if (!subscriber.closed) emit();
      });
    };

    const reconcile = async (id: string): Promise<void> => {
      if (inFlight.has(id)) {
        inFlight.set(id, true);
        return;
      }
      inFlight.set(id, false);
      try {
        do {
          inFlight.set(id, false);
          if (await reconcileOnce(id)) scheduleEmit();
        } while (inFlight.get(id) === true && !abort.signal.aborted);
      } finally {
        inFlight.delete(id);
      }
    };

    /** Keep `config` for `id`; true when that changed what is known (then it is logged). */
    const accept = (id: string, config: ContainerBackupConfig, fromEvent: boolean): boolean => {
      const previous = known.get(id);
      const fingerprint = configFingerprint(config);
      if (previous?.fingerprint === fingerprint) {
        // Confirmed: the same object stays (consumers compare configs by identity).
        if (!fromEvent) previous.fromEvent = false;
        return false;
      }
      known.set(id, { config, fingerprint, fromEvent });
      const event = previous ? 'container.updated' : 'container.discovered';
      options.logger.info(previous ? 'container updated' : 'container discovered', { event, container: config.containerName, targets: config.targets.length });
      for (const e of config.errors) options.logger.warn(e.message, { event: 'container.invalid', container: config.containerName, label: e.label });
      return true;
    };

    /**
     * A `start` event of a container not known yet: shown from its attributes when they suffice. Not while a full
     * re-list runs: one follows every (re)connect, and the events replayed then (`since`) may be of containers
     * that are long stopped or gone; the re-list's inspects decide for those.
     */
    const fromEvent = (id: string, attributes: Readonly<Record<string, string>>): void => {
      if (listing !== null) return;
      if (known.has(id)) return; // labels never change on a container: the inspect keeps a known one right
      const c = containerFromAttributes(id, attributes);
      if (c === null) return;
      const config = deriveWithoutEnv(options.derive, c);
      if (config !== null && accept(id, config, true)) scheduleEmit();
    };

    const reconcileOnce = async (id: string): Promise<boolean> => {
      let inspected: InspectedContainer | null;
      try {
        inspected = await source.inspect(id, abort.signal);
      } catch (err) {
        options.logger.warn('inspect failed; will retry on next trigger', { container: id, error: new DiscoveryInspectError(errorMessage(err), { cause: err }) });
        return false;
      }
      // A trigger arrived while this answer was on its way: it may be older than what that trigger saw (a `die`
      // answered after the `start` that followed). The next pass, which runs anyway, decides.
      if (inFlight.get(id) === true) return false;
      const keep = inspected !== null && isDiscovered(inspected, options.isHeld?.(id) ?? false);
      const previous = known.get(id);
      if (!keep || inspected === null) {
        if (!previous) return false;
        known.delete(id);
        options.logger.info('container removed', { event: 'container.removed', container: previous.config.containerName });
        return true;
      }
      let config: ContainerBackupConfig;
      try {
        config = await options.derive(inspected);
      } catch (err) {
        options.logger.error('label parsing failed', { event: 'container.invalid', container: inspected.name, error: new DiscoveryDeriveError(errorMessage(err), { cause: err }) });
        return false;
      }
      return accept(id, config, false);
    };

    const relistOnce = async (): Promise<void> => {
      let ids: string[];
      try {
        ids = await source.listIds(abort.signal);
      } catch (err) {
        options.logger.warn('container list failed; will retry on next trigger', { error: new DiscoveryListError(errorMessage(err), { cause: err }) });
        return;
      }
      options.onConnected?.();
      // A bounded pool: a host with hundreds of containers must not put hundreds of inspects on the engine at once.
      const queue = [...new Set([...ids, ...known.keys()])];
      const worker = async (): Promise<void> => {
        for (let id = queue.shift(); id !== undefined && !abort.signal.aborted; id = queue.shift()) await reconcile(id);
      };
      await Promise.all(Array.from({ length: Math.min(queue.length, concurrency) }, worker));
    };

    const relist = (): void => {
      if (listing) {
        relistAgain = true;
        return;
      }
      listing = (async () => {
        do {
          relistAgain = false;
          await relistOnce();
        } while (relistAgain && !abort.signal.aborted);
      })().finally(() => {
        listing = null;
      });
    };

    const handle = (key: Key): void => {
      if (key.kind === 'all') return relist();
      if (key.action === 'start' && key.attributes) fromEvent(key.id, key.attributes);
      void reconcile(key.id);
    };

    const periodic = options.resyncIntervalMs > 0 ? timer(options.resyncIntervalMs, options.resyncIntervalMs).pipe(map((): Key => ({ kind: 'all' }))) : [];
    const triggers = source.triggers().pipe(
      map((t): Key | null => {
        if (t.kind === 'disconnected') {
          options.onDisconnected?.(t.error);
          return null;
        }
        if (t.kind === 'resync') return { kind: 'all' };
        return t.attributes ? { kind: 'id', id: t.id, action: t.action, attributes: t.attributes } : { kind: 'id', id: t.id, action: t.action };
      }),
    );
    emit();
    // The handler only starts async work; it never awaits, so the events stream is never blocked.
    const sub = merge(triggers, periodic).subscribe({
      next: (k) => k && handle(k),
      error: (e) => subscriber.error(e),
    });
    return () => {
      if (pendingEmit) clearImmediate(pendingEmit);
      abort.abort();
      sub.unsubscribe();
    };
  });
}
