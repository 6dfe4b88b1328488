// The hold `baqup restore` takes on its target through the running controller (POST /api/restores/holds), so the
// controller's backups and drills of it wait while the restore loads: a lease renewed every third of its length and
// released at the end; a restore killed with SIGKILL frees the target when the lease runs out. No controller
// answering means nothing to hold; any other failure is said and the restore goes on (a restore must stay possible
// when the controller is in trouble).
import type { ControllerConfig } from '@baqup/core';
import type { RestoreDeps } from '@baqup/restore';
import { apiClient } from '../api-client.js';

const TTL_S = 60;
/** Waiting for the target's running backup to end: as long as a backup may take. */
const SIX_HOURS = 6 * 3600_000;

export function holdThroughController(config: ControllerConfig, warn: (line: string) => void): NonNullable<RestoreDeps['holdTarget']> {
  return async (container, target) => {
    const api = apiClient(config);
    let res: { status: number; body: unknown };
    try {
      res = await api.request('POST', '/api/restores/holds', { container, target, ttl_seconds: TTL_S }, SIX_HOURS);
    } catch {
      return async () => {};
    }
    const body = res.body as { id?: string; error?: string };
    if (res.status !== 200 || typeof body.id !== 'string') {
      warn(`could not hold the controller's backups of ${container}/${target} (HTTP ${res.status}: ${body.error ?? 'no hold id'}): a backup due meanwhile may run beside the restore`);
      return async () => {};
    }
    const path = `/api/restores/holds/${body.id}`;
    let warned = false;
    const timer = setInterval(() => {
      api.request('PUT', path, { ttl_seconds: TTL_S }).then(
        (r) => {
          if (r.status !== 200 && !warned) {
            warned = true;
            warn(`the controller no longer holds ${container}/${target} (HTTP ${r.status}): a backup due meanwhile may run beside the restore`);
          }
        },
        () => {},
      );
    }, (TTL_S * 1000) / 3);
    timer.unref();
    return async () => {
      clearInterval(timer);
      await api.request('DELETE', path).catch(() => undefined);
    };
  };
}
