// One run of a backup group: the hot targets of every member first, while everything runs; then the group held
// stopped (holdGroup: stop order, journaled); every cold target of every member copied; the group started again
// in start order, each member checked. The jobs themselves go through the caller's pipeline (`runJob`: dump,
// compress, stage, upload), so a group member's backup is an ordinary backup; what the group adds is when they
// run and the set they form. The release runs on every path: a failed or aborted copy, an error of runJob.
import { errorCode, errorMessage, silentLogger, type BackupJob, type BackupResult, type Logger } from '@baqup/core';
import { COLD_CAPABLE } from './engines/index.js';
import { holdGroup, type GroupHoldDeps, type GroupHoldMember, type GroupHoldOptions, type MemberStart } from './group-hold.js';

export interface GroupRunMember extends GroupHoldMember {
  /** One job per target of the member (none for a member stopped only for the group's sake). */
  jobs: BackupJob[];
}

export interface GroupRunResult {
  group: string;
  /** Every job's result, by member, in start order. */
  members: Array<{ member: GroupRunMember; results: BackupResult[] }>;
  starts: MemberStart[];
  /** ISO times: the first stop, the last start. */
  stoppedAt: string;
  startedAt: string;
  /** Every backup of every member succeeded and every member that ran runs again: the run is one set. */
  complete: boolean;
  /** Why the group could not be stopped (no cold copy was taken then). */
  error?: { code: string; message: string };
}

export interface GroupRunDeps extends GroupHoldDeps {
  /** Runs one job through the pipeline to its result; never rejects for a failed backup (a failed result). */
  runJob: (job: BackupJob) => Promise<BackupResult>;
  logger?: Logger;
}

const isCold = (job: BackupJob): boolean => job.container.stop && COLD_CAPABLE.has(job.target.type);

/** `members` in start order. Never throws: every problem is in the result. */
export async function runGroup(deps: GroupRunDeps, group: string, members: readonly GroupRunMember[], options: GroupHoldOptions = {}): Promise<GroupRunResult> {
  const logger = deps.logger ?? silentLogger;
  const results = new Map<GroupRunMember, BackupResult[]>(members.map((m) => [m, []]));
  const run = async (m: GroupRunMember, job: BackupJob): Promise<void> => {
    const r = await deps.runJob(job).catch((err: unknown): BackupResult => ({ job, success: false, durationSeconds: 0, error: { code: errorCode(err), message: errorMessage(err) } }));
    results.get(m)!.push(r);
  };
  const out = (partial: Pick<GroupRunResult, 'starts' | 'stoppedAt' | 'startedAt'> & { error?: GroupRunResult['error'] }): GroupRunResult => {
    const byMember = members.map((m) => ({ member: m, results: results.get(m)! }));
    const complete =
      partial.error === undefined &&
      byMember.every((b) => b.results.length === b.member.jobs.length && b.results.every((r) => r.success)) &&
      partial.starts.every((s) => s.result !== 'failed');
    return { group, members: byMember, complete, ...partial };
  };

  // Hot first, while everything runs: a database dump needs its server up.
  await Promise.all(members.flatMap((m) => m.jobs.filter((j) => !isCold(j)).map((j) => run(m, j))));

  const stoppedAt = new Date().toISOString();
  let held;
  try {
    held = await holdGroup(deps, group, members, options);
  } catch (err) {
    const error = { code: errorCode(err), message: errorMessage(err) };
    logger.error('backup group not stopped; its cold copies are not taken', { group, error });
    return out({ starts: [], stoppedAt, startedAt: new Date().toISOString(), error });
  }
  let starts: MemberStart[];
  try {
    await Promise.all(members.flatMap((m) => m.jobs.filter(isCold).map((j) => run(m, j))));
  } finally {
    starts = await held.release();
  }
  return out({ starts, stoppedAt, startedAt: new Date().toISOString() });
}
