// `baqup restore <container> <target>`: load a backup back into its container (or --into another), talking to
// Docker directly; the controller need not run. The backup is verified before anything is touched, and nothing
// is overwritten without --yes or a "yes" typed on a terminal.
//
// Not coordinated with a running controller: a scheduled backup of the same target may run during the restore.
// Run restores when no backup of that target is due, or stop the controller first (its stop journal is shared:
// a container this command stopped is started again by the next controller start if this process dies).
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { errorCode, errorMessage } from '@baqup/core';
import { NO_SAFETY_COPY_MEANING, restore, type RestoreReport, type RestoreSummary } from '@baqup/restore';
import { cliContext, humanSize } from '../restore/cli-context.js';
import { safetyCopyThroughController } from '../restore/safety-copy.js';
import type { Command } from './command.js';
import { configOption } from './config-option.js';

function summaryText(s: RestoreSummary): string {
  return [
    `backup:  ${s.container}/${s.target} at ${s.timestamp} (${s.file}, ${humanSize(s.size)}) from ${s.side}`,
    `into:    container ${s.into} (target config from ${s.configFrom})`,
    'steps:',
    ...s.steps.map((step, i) => `  ${i + 1}. ${step}`),
    ...(s.notes.length ? ['notes:', ...s.notes.map((n) => `  - ${n}`)] : []),
  ].join('\n');
}

async function ask(s: RestoreSummary): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    process.stderr.write(`\n${summaryText(s)}\n\n`);
    const answer = await rl.question(`This overwrites ${s.target} data in container ${s.into}. Type "yes" to restore: `);
    return answer.trim().toLowerCase() === 'yes';
  } finally {
    rl.close();
  }
}

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
  usage: '<container> <target> [--at TIMESTAMP|latest] [--from staging|remote] [--into CONTAINER] [--yes] [--no-safety-copy] [--dry-run] [--config FILE] [--json]',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        ...configOption,
        at: { type: 'string' },
        from: { type: 'string' },
        into: { type: 'string' },
        yes: { type: 'boolean', short: 'y', default: false },
        'dry-run': { type: 'boolean', default: false },
        // Skip the backup of the current state taken before the restore touches anything (then it cannot be undone).
        'no-safety-copy': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
    });
    const [container, target] = positionals;
    if (!container || !target) {
      console.error('baqup restore: <container> and <target> are required (see `baqup ls`)');
      return 2;
    }
    if (values.from !== undefined && values.from !== 'staging' && values.from !== 'remote') {
      console.error('baqup restore: --from is staging or remote');
      return 2;
    }
    const dryRun = values['dry-run'];
    if (!dryRun && !values.yes && !process.stdin.isTTY) {
      console.error('baqup restore: refusing to overwrite without confirmation: no terminal to ask on; pass --yes (or --dry-run to see the plan)');
      return 2;
    }
    const ctx = cliContext(values.config);
    const holds = ctx.holds();
    const abort = new AbortController();
    // Ctrl-C mid-restore: abort the running step; holds restart what was stopped (finally blocks), then we exit.
    // SIGHUP: the terminal went away (a closed `docker exec -it`).
    const onSignal = () => abort.abort(new Error('interrupted'));
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    process.once('SIGHUP', onSignal);
    try {
      const report = await restore(
        {
          docker: ctx.docker(),
          sources: ctx.sources,
          defaults: ctx.defaults,
          holds,
          logger: ctx.logger,
          signal: abort.signal,
          confirm: values.yes ? async () => true : ask,
          safetyCopy: safetyCopyThroughController(ctx.config),
          ...(values.json ? {} : { progress: (l: string) => console.error(`… ${l}`) }),
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
      if (values['no-safety-copy'] && !dryRun) console.error(`baqup restore: ${NO_SAFETY_COPY_MEANING}`);
      if (values.json) console.log(JSON.stringify(report, null, 2));
      else console.log(report.dryRun ? `dry run, nothing touched:\n${summaryText(report)}` : reportText(report));
      return 0;
    } catch (err) {
      if (values.json) console.log(JSON.stringify({ error: { code: errorCode(err), message: errorMessage(err) } }, null, 2));
      console.error(`baqup restore: ${errorMessage(err)} (${errorCode(err)})`);
      return 1;
    } finally {
      await holds.releaseAll();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onSignal);
    }
  },
};
