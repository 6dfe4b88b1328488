// The dump stage as an RxJS operator. Errors are values: a job that cannot start becomes a JobFailed.
import { catchError, defer, mergeMap, of, type OperatorFunction } from 'rxjs';
import { errorCode, errorMessage, failedResult, silentLogger, type BackupJob, type DumpedJob, type JobFlow } from '@baqup/core';
import { startDump, type DumpDeps } from './start-dump.js';

/** Operator: BackupJob → DumpedJob (stream ready to read) or JobFailed (pre_exec failed, bad credentials, …). */
export function dump(deps: DumpDeps, start: typeof startDump = startDump): OperatorFunction<BackupJob, JobFlow<DumpedJob>> {
  const logger = deps.logger ?? silentLogger;
  return mergeMap((job) => {
    const startedAt = new Date();
    return defer(() => start(deps, job)).pipe(
      catchError((err: unknown) => {
        const error = { code: errorCode(err), message: errorMessage(err) };
        logger.warn('dump could not start', { job_id: job.id, container: job.container.containerName, error });
        return of(failedResult(job, startedAt, error));
      }),
    );
  });
}
