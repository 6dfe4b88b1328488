// A container baqup stopped whose start failed, as an alert: once when it goes down, once when it runs again.
import type { StartEvent } from '@baqup/dump';
import type { ContainerNotice } from '@baqup/notify';

export function containerNotice(e: StartEvent): ContainerNotice {
  // A container removed while its start was retried is not down any more: for the alerts it is over.
  return e.kind === 'start_failed'
    ? { kind: 'container.start_failed', container: e.containerName, attempts: e.attempts, error: e.error }
    : { kind: 'container.started', container: e.containerName, attempts: e.attempts };
}
