// Level-triggered reconcile: every trigger becomes "re-read this container (or all) and derive its config".
// Per id, at most one reconcile runs at a time; triggers arriving meanwhile coalesce into one more pass.
// Changes are emitted at most once per event-loop turn: a burst of N starts costs each consumer (the scheduler
// recomputes next runs of every target on each desired state) one pass per turn, not one pass per container.
import { setMaxListeners } from 'node:events';
import { Observable, merge, timer } from 'rxjs';
import { map } from 'rxjs/operators';
import type { ContainerBackupConfig, DesiredState, Logger } from '@baqup/core';
import { DiscoveryDeriveError, DiscoveryInspectError, DiscoveryListError, errorMessage } from '@baqup/core';
import type { DiscoverySource, InspectedContainer } from './source.js';
import { configFingerprint } from './fingerprint.js';
import { isDiscovered, type Derive } from './derive.js';

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
}

type Key = { kind: 'id'; id: string } | { kind: 'all' };

export function discover(source: DiscoverySource, options: DiscoveryOptions): Observable<DesiredState> {
  return new Observable<DesiredState>((subscriber) => {
    const known = new Map<string, { config: ContainerBackupConfig; fingerprint: string }>();
    const inFlight = new Map<string, boolean>(); // id → dirty flag
    const abort = new AbortController();
    // One signal is shared by every in-flight inspect; a burst of 100 starts is not a listener leak.
    setMaxListeners(0, abort.signal);
    let listing: Promise<void> | null = null;
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

    const reconcileOnce = async (id: string): Promise<boolean> => {
      let inspected: InspectedContainer | null;
      try {
        inspected = await source.inspect(id, abort.signal);
      } catch (err) {
        options.logger.warn('inspect failed; will retry on next trigger', { container: id, error: new DiscoveryInspectError(errorMessage(err), { cause: err }) });
        return false;
      }
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
      const fingerprint = configFingerprint(config);
      if (previous?.fingerprint === fingerprint) return false;
      known.set(id, { config, fingerprint });
      const event = previous ? 'container.updated' : 'container.discovered';
      options.logger.info(previous ? 'container updated' : 'container discovered', { event, container: config.containerName, targets: config.targets.length });
      for (const e of config.errors) options.logger.warn(e.message, { event: 'container.invalid', container: config.containerName, label: e.label });
      return true;
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
      const all = new Set([...ids, ...known.keys()]);
      await Promise.all([...all].map((id) => reconcile(id)));
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
      if (key.kind === 'all') relist();
      else void reconcile(key.id);
    };

    const periodic = options.resyncIntervalMs > 0 ? timer(options.resyncIntervalMs, options.resyncIntervalMs).pipe(map((): Key => ({ kind: 'all' }))) : [];
    const triggers = source.triggers().pipe(
      map((t): Key | null => {
        if (t.kind === 'disconnected') {
          options.onDisconnected?.(t.error);
          return null;
        }
        return t.kind === 'resync' ? { kind: 'all' } : { kind: 'id', id: t.id };
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
