// `baqup restore <container> <target>`: load a backup back into its container (or --into another), talking to
// Docker directly; the controller need not run. The backup is verified before anything is touched, and nothing
// is overwritten without --yes or a "yes" typed on a terminal.
//
// Not coordinated with a running controller: a scheduled backup of the same target may run during the restore.
// Run restores when no backup of that target is due, or stop the controller first (its stop journal is shared:
// a container this command stopped is started again by the next controller start if this process dies).
import { errorCode, errorMessage } from '@baqup/core';
import { restore, type RestoreReport, type RestoreSummary } from '@baqup/restore';
import { restoreGroupCommand } from '../restore/group.js';
import { humanSize } from '../restore/cli-context.js';
import { recordInHistory } from '../restore/history.js';
import { askYes, runRestore } from '../restore/run-restore.js';
import { safetyCopyThroughController } from '../restore/safety-copy.js';
import { holdThroughController } from '../restore/hold.js';
import { bool, str, type Command } from './command.js';
import { configOption, jsonOption } from './config-option.js';

function summaryText(s: RestoreSummary): string {
  return [
    `backup:  ${s.container}/${s.target} at ${s.timestamp} (${s.file}, ${humanSize(s.size)}) from ${s.side}`,
    `into:    container ${s.into} (target config from ${s.configFrom})`,
    'steps:',
    ...s.steps.map((step, i) => `  ${i + 1}. ${step}`),
    ...(s.notes.length ? ['notes:', ...s.notes.map((n) => `  - ${n}`)] : []),
  ].join('\n');
}

const ask = (s: RestoreSummary): Promise<boolean> => askYes(summaryText(s), `This overwrites ${s.target} data in container ${s.into}.`);

function safetyText(r: RestoreReport): string[] {
  if (!r.safety) return [];
  if (r.safety.taken) return [`  safety copy: ${r.into}/${r.target} at ${r.safety.timestamp}`, `  to undo this restore: ${r.safety.rollback}`];
  return [`  ${r.safety.why}`];
}

function reportText(r: RestoreReport): string {
  return [
    `restored ${r.container}/${r.target} ${r.timestamp} from ${r.side} into ${r.into} in ${(r.durationMs / 1000).toFixed(1)} s`,
    `  ${r.checksum}`,
    `  content: ${r.content}`,
    ...r.done.map((d) => `  ${d}`),
    ...safetyText(r),
  ].join('\n');
}

export const restoreCommand: Command = {
  summary: 'restore a backup into its container (or --into another), verified first; asks unless --yes',
  arguments: [
    { name: '[container]', description: 'the container whose backup to restore (see `baqup ls`); not with --group' },
    { name: '[target]', description: 'its target: postgres-main, or main' },
  ],
  options: [
    { flags: '--at <timestamp>', description: 'which backup: a timestamp from `baqup ls`, or latest (default)' },
    { flags: '--from <side>', description: 'where to read it from', choices: ['staging', 'remote'] },
    { flags: '--group <name>', description: 'restore every member of this backup group to one group set (--at: the set\'s timestamp), stopping the group in order and starting it again' },
    { flags: '--into <container>', description: 'restore into another container (same engine) instead' },
    { flags: '-y, --yes', description: 'do not ask before overwriting', default: false },
    { flags: '--dry-run', description: 'verify and print the steps; touch nothing', default: false },
    { flags: '--no-safety-copy', description: 'skip the backup of the current state taken first (the restore then cannot be undone)' },
    configOption,
    jsonOption,
  ],
  details: 'Output: the plan (with --dry-run) or what was done, with the checksum check and a content summary; progress on stderr.\n--json: the restore report, or { error: { code, message } }.\nExit codes: 0 restored (or planned), 1 failed (nothing left worse), 2 usage error or no terminal to confirm on without --yes.',
  examples: ['--group nextcloud --dry-run', '--group nextcloud --at 20260101T030000Z --yes', 'gitea-db postgres-main', 'gitea-db main --at 20260101T030000Z --yes', 'gitea-db postgres-main --into gitea-db-copy --from remote --yes', 'gitea fs-data --dry-run'],
  async run({ args: [container, target], opts }) {
    const values = { config: str(opts, 'config'), at: str(opts, 'at'), from: str(opts, 'from'), into: str(opts, 'into'), yes: bool(opts, 'yes'), 'dry-run': bool(opts, 'dryRun'), 'no-safety-copy': opts.safetyCopy === false, json: bool(opts, 'json') };
    const group = str(opts, 'group');
    if (group !== undefined) {
      if (container || values.into) {
        console.error('baqup restore: --group restores the members of the group set; give no <container>, <target> or --into with it');
        return 2;
      }
      return restoreGroupCommand({ group, ...values });
    }
    if (!container || !target) {
      console.error(`baqup restore: missing required argument '${container ? 'target' : 'container'}': <container> and <target> are required (see \`baqup ls\`), or --group <name>`);
      return 2;
    }
    const dryRun = values['dry-run'];
    return runRestore(
      values,
      async ({ ctx, holds, signal, startedAt, progress }) => {
        const report = await restore(
          {
            docker: ctx.docker(),
            sources: ctx.sources,
            defaults: ctx.defaults,
            holds,
            logger: ctx.logger,
            signal,
            confirm: values.yes ? async () => true : ask,
            safetyCopy: safetyCopyThroughController(ctx.config),
            holdTarget: holdThroughController(ctx.config, (l) => console.error(`baqup restore: ${l}`)),
            ...(progress ? { progress } : {}),
          },
          {
            container,
            target,
            ...(values.at ? { at: values.at } : {}),
            ...(values.from ? { from: values.from as 'staging' | 'remote' } : {}),
            ...(values.into ? { into: values.into } : {}),
            dryRun,
            noSafetyCopy: values['no-safety-copy'],
          },
        );
        if (!dryRun) {
          recordInHistory(ctx.config, (h) => h.recordRestore({
            container: report.container, target: report.target, backup: report.timestamp, source: report.side, into_container: report.into,
            started_at: startedAt, finished_at: Date.now(), success: true, ...(report.safety?.taken ? { safety_copy: report.safety.timestamp } : {}),
          }));
        }
        return { report, text: report.dryRun ? `dry run, nothing touched:\n${summaryText(report)}` : reportText(report) };
      },
      (err, { ctx, startedAt }) => {
        if (dryRun) return;
        recordInHistory(ctx.config, (h) => h.recordRestore({
          container, target, backup: values.at ?? 'newest', source: values.from ?? 'any', ...(values.into ? { into_container: values.into } : {}),
          started_at: startedAt, finished_at: Date.now(), success: false, error_code: errorCode(err), error_message: errorMessage(err),
        }));
      },
    );
  },
};
