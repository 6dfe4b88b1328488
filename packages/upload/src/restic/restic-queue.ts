// One queue per restic repository in the process. restic 0.14 never waits for a lock: an exclusive forget, prune
// or check next to a backup of another job fails one of them ("repository is already locked"). So every command
// on a repository — backup, forget, prune, check, unlock, snapshots, dump — runs through that
// repository's one queue, one at a time, in call order; backup, forget, prune and check each after a stale-lock cleanup.
// The pipeline, the API's restores and the check cron all open the repository through openResticRepository,
// so they share the queue.
import { pipeline, PassThrough, type Readable } from 'node:stream';
import type { Logger } from '@baqup/core';
import { errorCode, errorMessage } from '@baqup/core';
import type { ResticRepositoryOptions } from './restic-exec.js';
import { createResticRepository, type ResticRepository } from './restic-repository.js';

/** The same repository with every command queued one after the other. */
export function queuedRepository(repo: ResticRepository, logger: Logger): ResticRepository {
  let tail: Promise<unknown> = Promise.resolve();
  const enqueue = <T>(f: () => Promise<T>): Promise<T> => {
    const run = tail.then(f);
    tail = run.catch(() => undefined);
    return run;
  };
  const locking = <T>(op: string, f: () => Promise<T>): Promise<T> =>
    enqueue(async () => {
      // A failure here is not the operation's: it runs anyway and reports its own error if the repository is broken.
      await repo.unlockStale().then(
        (r) => (r.deadRemoved > 0 || r.removedAll) && logger.info(`stale restic locks removed before ${op}`, { repository: repo.display, dead: r.deadRemoved, older: r.old }),
        (err: unknown) => logger.warn(`stale-lock check before ${op} failed`, { repository: repo.display, error: { code: errorCode(err), message: errorMessage(err) } }),
      );
      return f();
    });
  return {
    display: repo.display,
    host: repo.host,
    init: () => enqueue(() => repo.init()),
    backupStdin: (input, o) => locking('backup', () => repo.backupStdin(input, o)),
    forgetSnapshots: (ids) => locking('forget', () => repo.forgetSnapshots(ids)),
    prune: () => locking('prune', () => repo.prune()),
    check: (o) => locking('check', () => repo.check(o)),
    snapshots: (filter) => enqueue(() => repo.snapshots(filter)),
    // The stream is returned at once; restic starts when the queue reaches it and holds the queue until the
    // stream is done (read to the end, failed, or given up by its consumer).
    dump: (id, file, signal) => {
      const out = new PassThrough();
      void enqueue(
        () =>
          new Promise<void>((resolve) => {
            if (out.destroyed) return resolve();
            let src: Readable;
            try {
              src = repo.dump(id, file, signal);
            } catch (err) {
              out.destroy(err instanceof Error ? err : new Error(String(err)));
              return resolve();
            }
            pipeline(src, out, () => resolve());
          }),
      );
      return out;
    },
    unlockStale: () => enqueue(() => repo.unlockStale()),
  };
}

const open = new Map<string, ResticRepository>();

/**
 * The process's one queued object for `options.repository`: the first call creates it (with its options), later
 * calls for the same repository string get the same object.
 */
export function openResticRepository(options: ResticRepositoryOptions): ResticRepository {
  let repo = open.get(options.repository);
  if (repo === undefined) {
    repo = queuedRepository(createResticRepository(options), options.logger);
    open.set(options.repository, repo);
  }
  return repo;
}
