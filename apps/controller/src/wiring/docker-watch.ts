// Docker → desired state: discovery with the engine's reachability in the state store, every discovered target's
// password registered with the redactor, each desired state told to the history, the latest one kept for the API
// and the stale watch.
import { Subscription, share, type Observable } from 'rxjs';
import { DockerUnreachableError, type ControllerConfig, type ControllerDefaults, type DesiredState, type Logger } from '@baqup/core';
import { deriveFromLabels, discover, dockerDiscoverySource } from '@baqup/discovery';
import type { Redactor } from '@baqup/log';
import type { DockerClient } from '@baqup/docker';
import type { ContainerHolds } from '@baqup/dump';
import type { StateStore } from '@baqup/state';

export interface DockerWatchDeps {
  docker: DockerClient;
  store: StateStore;
  config: ControllerConfig;
  defaults: ControllerDefaults;
  holds: ContainerHolds;
  logger: Logger;
  redactor: Pick<Redactor, 'add'>;
  /** Told every desired state (the history records containers seen, changed and removed). */
  onDesired?: (desired: DesiredState) => void;
}

export interface DockerWatch {
  desired$: Observable<DesiredState>;
  desired: () => DesiredState;
  stop: () => void;
}

export function watchDocker(d: DockerWatchDeps): DockerWatch {
  const { docker, store, logger } = d;
  let unreachableLogged = false;
  const desired$ = discover(dockerDiscoverySource(docker), {
    logger,
    resyncIntervalMs: d.config.resync_interval * 1000,
    isHeld: (id) => d.holds.isHeld(id),
    derive: deriveFromLabels(d.defaults),
    onDisconnected: (error) => {
      store.setDocker({ connected: false, lastError: error });
      if (!unreachableLogged) {
        unreachableLogged = true;
        logger.error(`Docker engine not reachable at ${docker.address}; retrying with backoff`, { event: 'docker.unreachable', error: { message: error, code: DockerUnreachableError.code } });
      }
    },
    onConnected: () => {
      if (!store.snapshot().docker.connected) logger.info(`Docker engine answers at ${docker.address}`, { event: 'docker.connected' });
      unreachableLogged = false;
      store.setDocker({ connected: true, lastError: undefined });
    },
  }).pipe(share());

  let desired: DesiredState = new Map();
  const subscription = new Subscription();
  subscription.add(
    desired$.subscribe((next) => {
      desired = next;
      store.applyDesired(next);
      d.onDesired?.(next);
      // Resolved passwords of discovered targets are registered so no log line can ever carry them.
      for (const c of next.values()) for (const t of c.targets) if (t.password && t.password.kind !== 'file') d.redactor.add(t.password.value);
    }),
  );
  return { desired$, desired: () => desired, stop: () => subscription.unsubscribe() };
}
