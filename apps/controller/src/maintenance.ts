// Backend upkeep in the controller: the backend opened once at start (restic: the repository created only when
// there is none) and, for a backend that has a check (restic), that check on its own cron (`upload.restic.check_cron`).
// What the backend does and how its commands queue lives in @baqup/upload; this is only the schedule and the notices.
import { Subscription, from } from 'rxjs';
import { exhaustMap } from 'rxjs/operators';
import type { Logger } from '@baqup/core';
import { errorCode, errorMessage } from '@baqup/core';
import type { NotifyEvent } from '@baqup/notify';
import { cronTimer, nextRun } from '@baqup/scheduler';
import type { UploadBackend } from '@baqup/upload';

/** How a failing check reaches the notifier: as the result of a pseudo-target (notify has no repository event yet). */
export const CHECK_NOTICE = { container: 'restic', target: 'restic/repository-check', schedule: 'check_cron' } as const;

export interface MaintenanceOptions {
  backend: Pick<UploadBackend, 'display' | 'open' | 'check' | 'source'>;
  checkCron: string;
  timezone: string;
  logger: Logger;
  notify: (event: NotifyEvent) => unknown;
}

export interface Maintenance {
  /** Settles once the start-up open/create is done: true when the repository can be used. */
  ready: Promise<boolean>;
  /** Runs the backend's check now (also what the cron does); true when it passed (or there is none). */
  check(): Promise<boolean>;
  stop(): void;
}

export function startMaintenance(o: MaintenanceOptions): Maintenance {
  const { backend, logger } = o;
  const fields = { repository: backend.source.kind === 'restic' ? backend.source.repo.display : backend.display };
  const ready = backend.open();
  const runCheck = backend.check?.bind(backend);
  if (runCheck === undefined) {
    // upload.restic.maintenance: false — another instance prunes and checks the shared repository.
    if (backend.source.kind === 'restic') logger.info('restic prune and check are left to the instance that maintains the repository (upload.restic.maintenance: false)', { ...fields, event: 'restic.maintenance_off' });
    return { ready, check: async () => true, stop: () => undefined };
  }

  let failing = false;
  const check = async (): Promise<boolean> => {
    const started = Date.now();
    try {
      await runCheck();
    } catch (err) {
      const error = { code: errorCode(err), message: errorMessage(err) };
      logger.error('restic check failed', { ...fields, event: 'restic.check_failed', duration_ms: Date.now() - started, error });
      failing = true;
      o.notify({ kind: 'result', ...CHECK_NOTICE, success: false, error });
      return false;
    }
    logger.info('restic check passed', { ...fields, event: 'restic.checked', duration_ms: Date.now() - started });
    // Only a recovery is news; a passing check every week is not a message.
    if (failing) o.notify({ kind: 'result', ...CHECK_NOTICE, success: true });
    failing = false;
    return true;
  };

  const subscription = new Subscription();
  try {
    const next = nextRun(o.checkCron, { tz: o.timezone, after: new Date() });
    logger.debug('restic check scheduled', { ...fields, cron: o.checkCron, next_run: next.toISOString() });
  } catch (err) {
    // cronTimer would silently never fire: say so once, loudly.
    logger.error('upload.restic.check_cron is invalid: the repository is never checked', { ...fields, cron: o.checkCron, error: { code: errorCode(err), message: errorMessage(err) } });
  }
  // A check still running when the next tick comes swallows that tick (exhaustMap): checks never pile up.
  subscription.add(cronTimer(o.checkCron, { tz: o.timezone }).pipe(exhaustMap(() => from(check()))).subscribe());
  return { ready, check, stop: () => subscription.unsubscribe() };
}
