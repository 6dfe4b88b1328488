// Level-triggered reconcile: every trigger becomes "re-read this container (or all) and derive its config".
// Per id, at most one reconcile runs at a time; triggers arriving meanwhile coalesce into one more pass.
// Changes are emitted at most once per event-loop turn: a burst of N starts costs each consumer (the scheduler
// recomputes next runs of every target on each desired state) one pass per turn, not one pass per container.
// A `start` event whose attributes (labels, name, image) are all the config needs is shown at once, before the
// inspect answers (event-state.ts); the inspect that follows confirms it (same fingerprint: nothing emitted) or
// corrects it. An inspect whose answer is older than a trigger that arrived while it was asked is not applied: the
// pass that trigger asked for decides (so a `create`'s or `die`'s late answer cannot undo a newer `start`).
import { Observable, merge, timer } from 'rxjs';
import { map } from 'rxjs/operators';
import type { DesiredState } from '@baqup/core';
import type { DiscoverySource } from './source.js';
import { ContainerReconciler, type DiscoveryOptions, type Key } from './container-reconciler.js';

export { RELIST_CONCURRENCY, type DiscoveryOptions } from './container-reconciler.js';

export function discover(source: DiscoverySource, options: DiscoveryOptions): Observable<DesiredState> {
  return new Observable<DesiredState>((subscriber) => {
    let pendingEmit: ReturnType<typeof setImmediate> | undefined;
    const reconciler = new ContainerReconciler(source, options, () => {
      pendingEmit ??= setImmediate(() => {
        pendingEmit = undefined;
        if (!subscriber.closed) subscriber.next(reconciler.desired());
      });
    });
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
    subscriber.next(reconciler.desired());
    // The handler only starts async work; it never awaits, so the events stream is never blocked.
    const sub = merge(triggers, periodic).subscribe({
      next: (k) => k && reconciler.handle(k),
      error: (e) => subscriber.error(e),
    });
    return () => {
      if (pendingEmit) clearImmediate(pendingEmit);
      reconciler.stop();
      sub.unsubscribe();
    };
  });
}
