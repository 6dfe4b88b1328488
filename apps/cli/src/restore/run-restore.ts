// The steps every `baqup restore` shares, one container's or a group's: no overwrite without a confirmation (a "yes"
// typed on a terminal, or --yes), the CLI context, Ctrl-C and SIGTERM handled (interruptions.ts), every hold released
// on every path, the --no-safety-copy warning, and the report or the error printed as text or as one JSON document.
import { createInterface } from 'node:readline/promises';
import { errorCode, errorMessage } from '@baqup/core';
import type { ContainerHolds } from '@baqup/dump';
import { NO_SAFETY_COPY_MEANING } from '@baqup/restore';
import { printJson } from '../output/json.js';
import { cliContext, type CliContext } from './cli-context.js';
import { interruptions } from './interruptions.js';

export interface RestoreRunValues {
  config: string | undefined;
  yes: boolean;
  'dry-run': boolean;
  'no-safety-copy': boolean;
  json: boolean;
}

/** What a restore runs with: the context, the holds (released afterwards), the abort signal of an interruption. */
export interface RestoreRunScope {
  ctx: CliContext;
  holds: ContainerHolds;
  signal: AbortSignal;
  startedAt: number;
  /** Progress lines on stderr (none with --json). */
  progress?: (line: string) => void;
}

/** Prints `plan` on stderr and asks `question` on the terminal: true only for a typed "yes". */
export async function askYes(plan: string, question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    process.stderr.write(`\n${plan}\n\n`);
    const answer = await rl.question(`${question} Type "yes" to restore: `);
    return answer.trim().toLowerCase() === 'yes';
  } finally {
    rl.close();
  }
}

/**
 * Runs one restore command: `run` does the restore and returns its report (--json) and text; `failed` records a
 * failure (history) before it is printed. Exit code: 0 done (or planned), 1 failed, 2 no terminal to confirm on.
 */
export async function runRestore(
  values: RestoreRunValues,
  run: (scope: RestoreRunScope) => Promise<{ report: unknown; text: string }>,
  failed?: (err: unknown, scope: RestoreRunScope) => void,
): Promise<number> {
  const dryRun = values['dry-run'];
  if (!dryRun && !values.yes && !process.stdin.isTTY) {
    console.error('baqup restore: refusing to overwrite without confirmation: no terminal to ask on; pass --yes (or --dry-run to see the plan)');
    return 2;
  }
  const ctx = await cliContext(values.config);
  const holds = ctx.holds();
  const abort = new AbortController();
  const stopSignals = interruptions(holds, abort);
  const scope: RestoreRunScope = { ctx, holds, signal: abort.signal, startedAt: Date.now(), ...(values.json ? {} : { progress: (l: string) => console.error(`… ${l}`) }) };
  try {
    const { report, text } = await run(scope);
    if (values['no-safety-copy'] && !dryRun) console.error(`baqup restore: ${NO_SAFETY_COPY_MEANING}`);
    if (values.json) printJson(report);
    else console.log(text);
    return 0;
  } catch (err) {
    failed?.(err, scope);
    if (values.json) printJson({ error: { code: errorCode(err), message: errorMessage(err) } });
    console.error(`baqup restore: ${errorMessage(err)} (${errorCode(err)})`);
    return 1;
  } finally {
    await holds.releaseAll();
    stopSignals();
  }
}
