// What a job would do, for `--dry-run` and `baqup plan`: commands and destinations, never a secret.
import { targetKey, type BackupJob, type TargetConfig } from '@baqup/core';
import { ENGINES, type PlanStep, type RestoreOptions, type RestorePlan } from './engines/index.js';

export interface DumpPlan {
  target: string;
  type: TargetConfig['type'];
  /** Raw dump extension (before compression). */
  extension: string;
  steps: PlanStep[];
}

export function dryRunPlan(job: BackupJob): DumpPlan {
  const { container, target } = job;
  const engine = ENGINES[target.type];
  const steps: PlanStep[] = [];
  if (target.preExec) steps.push({ action: 'exec', description: 'pre_exec (its failure skips the target)', argv: ['sh', '-c', target.preExec] });
  if (target.password?.kind === 'file') steps.push({ action: 'read-file', description: 'read the password file', path: target.password.path });
  steps.push(...engine.plan(target, container));
  return { target: targetKey(container.containerName, target), type: target.type, extension: engine.extension, steps };
}

/** How a dump of this target is loaded back (the restore command shape; executed by the restore feature). */
export function restorePlan(target: TargetConfig, options: RestoreOptions = {}): RestorePlan {
  return ENGINES[target.type].restore(target, options);
}
