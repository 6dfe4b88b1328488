// `post_exec`: a target's command run inside its container after every job, whatever happened (success, failure,
// timeout, shutdown), with the result in its environment. The pair of pre_exec (e.g. `occ maintenance:mode --on`).
import { errorCode, errorMessage, PostExecFailedError, redact, silentLogger, targetName, type BackupJob, type BackupResult, type Logger } from '@baqup/core';
import type { DockerClient } from '@baqup/docker';

export interface PostExecDeps {
  docker: DockerClient;
  logger?: Logger;
  /** Longest a post_exec may run; default 10 minutes (a hung hook must not hold a job slot forever). */
  timeoutMs?: number;
}

export type PostExecOutcome = 'success' | 'failure' | 'aborted';

export interface PostExecHooks {
  /** A job started (its dump slot came): its post_exec is owed from now on, by `finished` or, cut off, by `runAborted`. */
  started: (job: BackupJob) => void;
  /** The job's result: runs its post_exec (success or failure) and resolves when it is done; never rejects. */
  finished: (result: BackupResult) => Promise<void>;
  /** Runs post_exec for jobs cut off by shutdown; call it once their containers were started again. */
  runAborted: () => Promise<void>;
}

const TAIL = 1024;

/** What the command finds in its environment (names documented in docs/labels.md). */
export function postExecEnv(job: BackupJob, outcome: PostExecOutcome, result?: BackupResult): Record<string, string> {
  const env: Record<string, string> = {
    BAQUP_RESULT: outcome,
    BAQUP_JOB_ID: job.id,
    BAQUP_CONTAINER: job.container.containerName,
    BAQUP_TARGET: targetName(job.target),
    BAQUP_SCHEDULE: job.schedule.name,
    BAQUP_TRIGGER: job.trigger,
  };
  if (result) env.BAQUP_DURATION_MS = String(Math.round(result.durationSeconds * 1000));
  const bytes = result?.bytes ?? result?.manifest?.size;
  if (bytes !== undefined) env.BAQUP_BYTES = String(bytes);
  if (result?.stagingPath && result.success) env.BAQUP_FILE = result.stagingPath.split('/').pop() ?? '';
  if (result?.error) {
    env.BAQUP_ERROR_CODE = result.error.code;
    env.BAQUP_ERROR_MESSAGE = result.error.message.slice(0, 2000);
  }
  return env;
}

export function postExecHooks(deps: PostExecDeps): PostExecHooks {
  const logger = deps.logger ?? silentLogger;
  const aborted = new Map<string, BackupJob>();

  async function runOne(job: BackupJob, outcome: PostExecOutcome, result?: BackupResult): Promise<void> {
    const command = job.target.postExec;
    if (!command) return;
    const fields = { event: 'post_exec.finished' as const, job_id: job.id, container: job.container.containerName, target: targetName(job.target), result: outcome };
    try {
      const r = await deps.docker.execToCompletion(job.container.containerId, ['sh', '-c', command], {
        env: postExecEnv(job, outcome, result),
        signal: AbortSignal.timeout(deps.timeoutMs ?? 600_000),
      });
      if (r.exitCode === 0) {
        logger.info('post_exec finished', fields);
        return;
      }
      const tail = redact(r.stderr || r.stdout, []).trim();
      throw new PostExecFailedError(r.exitCode, tail.length > TAIL ? `…${tail.slice(-TAIL)}` : tail);
    } catch (err) {
      // The backup's own result stands (it is safe or it failed for its own reason); a broken hook is its own error line.
      logger.error('post_exec failed', { ...fields, event: 'post_exec.failed' as const, error: { code: errorCode(err), message: errorMessage(err) } });
    }
  }

  return {
    started: (job) => {
      if (job.target.postExec) aborted.set(job.id, job);
    },
    finished: async (result) => {
      const { job } = result;
      // Taken out first: a job the shutdown cuts off while its post_exec runs does not run it twice.
      aborted.delete(job.id);
      if (!job.target.postExec) return;
      await runOne(job, result.success ? 'success' : 'failure', result);
    },
    runAborted: async () => {
      const jobs = [...aborted.values()];
      aborted.clear();
      await Promise.all(jobs.map((job) => runOne(job, 'aborted')));
    },
  };
}
