// restic upkeep in the controller: the repository opened (created only when there is none) once at start, stale
// locks cleared before every operation that takes a lock, `restic check` on its own cron (`upload.restic.check_cron`),
// and every locking operation run one at a time: restic 0.14 never waits for a lock, so an exclusive forget or
// check next to a backup of another job would fail one of them.
import { Subscription, from } from 'rxjs';
import { exhaustMap } from 'rxjs/operators';
import type { Logger } from '@baqup/core';
import { errorCode, errorMessage } from '@baqup/core';
import type { NotifyEvent } from '@baqup/notify';
import { cronTimer, nextRun } from '@baqup/scheduler';
import type { ResticRepository } from '@baqup/upload';

/** How a failing check reaches the notifier: as the result of a pseudo-target (notify has no repository event yet). */
export const CHECK_NOTICE = { container: 'restic', target: 'restic/repository-check', schedule: 'check_cron' } as const;

/** The same repository, its locking operations queued one after the other, each preceded by a stale-lock cleanup. */
export function serializedRepository(repo: ResticRepository, logger: Logger): ResticRepository {
  let tail: Promise<unknown> = Promise.resolve();
  const queue = <T>(op: string, f: () => Promise<T>, unlockFirst = true): Promise<T> => {
    const run = tail.then(async () => {
      if (unlockFirst) {
        // A failure here is not the operation's: it runs anyway and reports its own error if the repository is broken.
        await repo.unlockStale().then(
          (r) => (r.deadRemoved > 0 || r.removedAll) && logger.info(`stale restic locks removed before ${op}`, { repository: repo.display, dead: r.deadRemoved, older: r.old }),
          (err: unknown) => logger.warn(`stale-lock check before ${op} failed`, { repository: repo.display, error: { code: errorCode(err), message: errorMessage(err) } }),
        );
      }
      return f();
    });
    tail = run.catch(() => undefined);
    return run;
  };
  return {
    display: repo.display,
    init: () => queue('init', () => repo.init(), false),
    backupStdin: (input, o) => queue('backup', () => repo.backupStdin(input, o)),
    forget: (policy, o) => queue('forget', () => repo.forget(policy, o)),
    check: (o) => queue('check', () => repo.check(o)),
    // Read-only and lock-free enough to run beside the others.
    snapshots: (filter) => repo.snapshots(filter),
    dump: (id, file, signal) => repo.dump(id, file, signal),
    unlockStale: () => queue('unlock', () => repo.unlockStale(), false),
  };
}

export interface ResticMaintenanceOptions {
  /** Preferably the serializedRepository, so checks never collide with backups. */
  repo: ResticRepository;
  checkCron: string;
  timezone: string;
  logger: Logger;
  notify: (event: NotifyEvent) => unknown;
}

export interface ResticMaintenance {
  /** Settles once the start-up open/create is done: true when the repository can be used. */
  ready: Promise<boolean>;
  /** Runs `restic check` now (also what the cron does); true when it passed. */
  check(): Promise<boolean>;
  stop(): void;
}

export function startResticMaintenance(o: ResticMaintenanceOptions): ResticMaintenance {
  const { repo, logger } = o;
  const fields = { repository: repo.display };
  const ready = repo.init().then(
    (state) => {
      logger.info(state === 'created' ? 'restic repository ready (created: there was none)' : 'restic repository ready', { ...fields, event: 'restic.ready', state });
      return true;
    },
    (err: unknown) => {
      // init never creates over an existing repository it cannot open (wrong password): that stays an error here.
      logger.error('restic repository cannot be opened: every backup to it fails until this is fixed', {
        ...fields, event: 'restic.unavailable', error: { code: errorCode(err), message: errorMessage(err) },
      });
      return false;
    },
  );

  let failing = false;
  const check = async (): Promise<boolean> => {
    const started = Date.now();
    try {
      await repo.check();
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
