// `baqup restore --group <name>`: every member of a backup group back to one group set (restoreGroup), with one
// confirmation, the same safety copies and rollback commands as a single restore, and the group started again in
// start order on every path (the holds' journal is the controller's: a crash mid-restore is repaired at its start).
import { createInterface } from 'node:readline/promises';
import { errorCode, errorMessage } from '@baqup/core';
import { NO_SAFETY_COPY_MEANING, restoreGroup, type GroupRestorePlan, type GroupRestoreReport } from '@baqup/restore';
import { printJson } from '../output/json.js';
import { cliContext } from './cli-context.js';
import { recordInHistory } from './history.js';
import { interruptions } from './interruptions.js';
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

async function ask(p: GroupRestorePlan): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    process.stderr.write(`\n${planText(p)}\n\n`);
    const answer = await rl.question(`This stops group ${p.group} and overwrites its members' data. Type "yes" to restore: `);
    return answer.trim().toLowerCase() === 'yes';
  } finally {
    rl.close();
  }
}

export async function restoreGroupCommand(values: GroupValues): Promise<number> {
  const dryRun = values['dry-run'];
  if (!dryRun && !values.yes && !process.stdin.isTTY) {
    console.error('baqup restore: refusing to overwrite without confirmation: no terminal to ask on; pass --yes (or --dry-run to see the plan)');
    return 2;
  }
  const ctx = await cliContext(values.config);
  const holds = ctx.holds();
  const abort = new AbortController();
  const stopSignals = interruptions(holds, abort);
  const startedAt = Date.now();
  try {
    const report = await restoreGroup(
      {
        docker: ctx.docker(),
        sources: ctx.sources,
        defaults: ctx.defaults,
        holds,
        logger: ctx.logger,
        signal: abort.signal,
        stagingRoot: ctx.config.staging.path,
        confirm: values.yes ? async () => true : ask,
        safetyCopy: safetyCopyThroughController(ctx.config),
        ...(values.json ? {} : { progress: (l: string) => console.error(`… ${l}`) }),
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
    if (values['no-safety-copy'] && !dryRun) console.error(`baqup restore: ${NO_SAFETY_COPY_MEANING}`);
    if (values.json) printJson(report);
    else console.log(report.dryRun ? `dry run, nothing touched:\n${planText(report)}` : reportText(report));
    return 0;
  } catch (err) {
    if (values.json) printJson({ error: { code: errorCode(err), message: errorMessage(err) } });
    console.error(`baqup restore: ${errorMessage(err)} (${errorCode(err)})`);
    return 1;
  } finally {
    await holds.releaseAll();
    stopSignals();
  }
}
