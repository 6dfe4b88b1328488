// The dump stage as an RxJS operator. Errors are values: a job that cannot start becomes a JobFailed.
// A dump holds its slot until its stream is done (read to the end by the later stages, failed, or destroyed), so
// `concurrency` is the number of dumps running at once, not the number being started.
import { finished } from 'node:stream';
import { catchError, defer, mergeMap, Observable, of, type OperatorFunction } from 'rxjs';
import { errorCode, errorMessage, failedResult, silentLogger, type BackupJob, type DumpedJob, type JobFlow } from '@baqup/core';
import { startDump, type DumpDeps } from './start-dump.js';

export interface DumpOperatorOptions {
  /** Dumps running at once (default unbounded). */
  concurrency?: number;
  /**
   * Called when a job gets its slot, before anything touches its container. An error it returns refuses the job:
   * it becomes a JobFailed with that error, nothing is dumped.
   */
  onStart?: (job: BackupJob) => { code: string; message: string } | undefined;
  /** Starts a dump; the default runs it through Docker (the tests swap it). */
  start?: typeof startDump;
}

/** Operator: BackupJob → DumpedJob (stream ready to read) or JobFailed (pre_exec failed, bad credentials, …). */
export function dump(deps: DumpDeps, options: DumpOperatorOptions = {}): OperatorFunction<BackupJob, JobFlow<DumpedJob>> {
  const logger = deps.logger ?? silentLogger;
  const start = options.start ?? startDump;
  return mergeMap((job) => {
    const refused = options.onStart?.(job);
    if (refused) return of(failedResult(job, job.triggeredAt, refused));
    const startedAt = new Date();
    return defer(() => start(deps, job)).pipe(
      mergeMap((dumped) => untilDone(dumped)),
      catchError((err: unknown) => {
        const error = { code: errorCode(err), message: errorMessage(err) };
        logger.warn('dump could not start', { job_id: job.id, container: job.container.containerName, error });
        return of(failedResult(job, startedAt, error));
      }),
    );
  }, options.concurrency ?? Number.POSITIVE_INFINITY);
}

/** Emits the dumped job at once and completes when its stream is done, however it ends. */
function untilDone(dumped: DumpedJob): Observable<DumpedJob> {
  return new Observable<DumpedJob>((subscriber) => {
    const cleanup = finished(dumped.stream, { readable: true, writable: false }, () => subscriber.complete());
    subscriber.next(dumped);
    return cleanup;
  });
}
