// Dead-man's-switch pings around each job: `start` when it begins, `finish` with its result. Neither delays the
// job (an unreachable monitor retries in the background); the end ping waits for the start ping of its job.
import { defer, type Observable } from 'rxjs';
import { tap } from 'rxjs/operators';
import type { BackupJob, BackupResult } from '@baqup/core';
import type { Pinger } from '@baqup/notify';

export function withPings(run: (job: BackupJob) => Observable<BackupResult>, pinger: Pinger, skip: (r: BackupResult) => boolean): (job: BackupJob) => Observable<BackupResult> {
  return (job) =>
    defer(() => {
      const started = pinger.start(job);
      return run(job).pipe(tap((result) => void (skip(result) ? undefined : started.then(() => pinger.finish(result)))));
    });
}
