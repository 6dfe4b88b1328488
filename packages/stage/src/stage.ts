// The stage operator: CompressedJob → StagedJob. Each job's failure is caught inside its own inner
// stream and becomes a JobFailed; JobFailed from earlier stages passes through untouched.
import { catchError, defer, map, mergeMap, of, type ObservableInput, type OperatorFunction } from 'rxjs';
import { errorCode, errorMessage, failedResult, targetName, type CompressedJob, type JobFlow, type Logger, type StagedJob } from '@baqup/core';
import { isDiskFull } from './errors.js';
import { stageJob, type StageDeps } from './stage-job.js';

export interface StageOperatorDeps extends StageDeps {
  logger: Logger;
  /** Stages a job; the default writes to disk (the marble tests of the wiring swap it). */
  stageJob?: (job: CompressedJob, deps: StageDeps) => ObservableInput<StagedJob>;
}

/** Operator: writes each compressed job under `root` atomically, with `.sha256` and `.manifest.json`. */
export function stage(deps: StageOperatorDeps): OperatorFunction<JobFlow<CompressedJob>, JobFlow<StagedJob>> {
  const run = deps.stageJob ?? stageJob;
  return mergeMap((flow) => {
    if (flow.kind === 'failed') return of(flow);
    const { job } = flow;
    const fields = { job_id: job.id, container: job.container.containerName, target: targetName(job.target), schedule: job.schedule.name };
    return defer(() => run(flow, deps)).pipe(
      map((staged): JobFlow<StagedJob> => {
        deps.logger.debug('backup staged', { ...fields, bytes: staged.manifest.size, path: staged.stagingPath });
        return staged;
      }),
      catchError((err: unknown) => {
        flow.stream.destroy();
        const written = isDiskFull(err) ? (err as { context?: { written?: unknown } }).context?.written : undefined;
        // need_bytes: the backup needs more free space than it had written when the disk ran out (the halt waits for it).
        const error = { code: errorCode(err), message: errorMessage(err), ...(typeof written === 'number' ? { need_bytes: written } : {}) };
        // Disk full is the one failure that must stop the controller from starting more jobs.
        (isDiskFull(err) ? deps.logger.error : deps.logger.warn).call(deps.logger, 'staging failed', { ...fields, error });
        return of(failedResult(job, flow.startedAt, error));
      }),
    );
  });
}
