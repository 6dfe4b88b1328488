// `baqup restore --group <name>`: every member of a backup group back to one group set (restoreGroup), with one
// confirmation, the same safety copies and rollback commands as a single restore, and the group started again in
// start order on every path (the holds' journal is the controller's: a crash mid-restore is repaired at its start).
import { restoreGroup, type GroupRestorePlan, type GroupRestoreReport } from '@baqup/restore';
import { recordInHistory } from './history.js';
import { askYes, runRestore } from './run-restore.js';
import { safetyCopyThroughController } from './safety-copy.js';

export interface GroupValues {
  group: string;
  config: string | undefined;
  at: string | undefined;
  from: string | undefined;
  yes: boolean;
  'dry-run': boolean;
  'no-safety-copy': boolean;
  json: boolean;
}

function planText(p: GroupRestorePlan): string {
  return [
    `group:   ${p.group}, the set of ${p.timestamp}`,
    `stop:    ${p.stopOrder.join(' → ')}`,
    `start:   ${p.startOrder.join(' → ')} (each checked running, and healthy with a healthcheck, before its databases are loaded and the next starts)`,
    'backups:',
    ...p.members.flatMap((m) => (m.backups.length ? m.backups.map((b) => `  ${m.service}: ${b.container}/${b.target} at ${b.timestamp} (${b.file}) from ${b.side}`) : [`  ${m.service}: ${m.container}, no backup of its own (stopped with the group)`])),
  ].join('\n');
}

function reportText(r: GroupRestoreReport): string {
  return [
    `restored group ${r.group} to the set of ${r.timestamp} in ${(r.durationMs / 1000).toFixed(1)} s`,
    ...r.restored.map((x) => `  ${x.into}/${x.target} ${x.timestamp}: ${x.checksum ?? ''}${x.safety?.taken ? `; to undo: ${x.safety.rollback}` : ''}`),
    `  started: ${r.starts.map((s) => `${s.containerName} (${s.result})`).join(', ')}`,
  ].join('\n');
}

const ask = (p: GroupRestorePlan): Promise<boolean> => askYes(planText(p), `This stops group ${p.group} and overwrites its members' data.`);

export async function restoreGroupCommand(values: GroupValues): Promise<number> {
  const dryRun = values['dry-run'];
  return runRestore(values, async ({ ctx, holds, signal, startedAt, progress }) => {
    const report = await restoreGroup(
      {
        docker: ctx.docker(),
        sources: ctx.sources,
        defaults: ctx.defaults,
        holds,
        logger: ctx.logger,
        signal,
        stagingRoot: ctx.config.staging.path,
        confirm: values.yes ? async () => true : ask,
        safetyCopy: safetyCopyThroughController(ctx.config),
        ...(progress ? { progress } : {}),
      },
      {
        group: values.group,
        ...(values.at ? { at: values.at } : {}),
        ...(values.from ? { from: values.from as 'staging' | 'remote' } : {}),
        dryRun,
        noSafetyCopy: values['no-safety-copy'],
      },
    );
    if (!dryRun) {
      for (const r of report.restored) {
        recordInHistory(ctx.config, (h) => h.recordRestore({
          container: r.container, target: r.target, backup: r.timestamp, source: r.side, into_container: r.into,
          started_at: startedAt, finished_at: Date.now(), success: true, ...(r.safety?.taken ? { safety_copy: r.safety.timestamp } : {}),
        }));
      }
    }
    return { report, text: report.dryRun ? `dry run, nothing touched:\n${planText(report)}` : reportText(report) };
  });
}
