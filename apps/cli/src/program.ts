// The command line's grammar, on commander: per-command help with options, formats and examples, did-you-mean
// for unknown commands and options, `--version`, and exit code 2 for every usage error. Command bodies live in
// commands/<name>.ts and never parse argv themselves.
import { createRequire } from 'node:module';
import { Command as Commander, CommanderError, Option } from 'commander';
import { BaqupError, errorMessage } from '@baqup/core';
import type { Command } from './commands/command.js';
import { commands } from './commands/index.js';
import { UsageError } from './usage-error.js';

export const USAGE_EXIT = 2;

const version = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

const processOutput: Output = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

function helpAfter(name: string, c: Command): string {
  const parts: string[] = [];
  if (c.details) parts.push(`\n${c.details.trimEnd()}`);
  if (c.examples.length) parts.push(`\nExamples:\n${c.examples.map((e) => `  $ baqup ${name} ${e}`.trimEnd()).join('\n')}`);
  return `${parts.join('\n')}\n`;
}

function define(program: Commander, name: string, c: Command, done: (code: number) => void): void {
  const sub = program.command(name).description(c.summary);
  for (const a of c.arguments ?? []) sub.argument(a.name, a.description);
  for (const o of c.options) {
    const opt = new Option(o.flags, o.description);
    if (o.default !== undefined) opt.default(o.default);
    if (o.choices) opt.choices(o.choices);
    sub.addOption(opt);
  }
  sub.addHelpText('after', helpAfter(name, c));
  sub.action(async (...received: unknown[]) => {
    // commander passes the declared arguments, then the options, then the command.
    const n = (c.arguments ?? []).length;
    const values = received.slice(0, n);
    const args = values.map((v) => (typeof v === 'string' ? v : Array.isArray(v) ? (v[0] as string | undefined) : undefined));
    const last = values[n - 1];
    const rest = Array.isArray(last) ? (last as string[]) : [];
    const opts = (received[n] ?? {}) as Record<string, unknown>;
    done(await c.run({ args, rest, opts }));
  });
}

/** The program, writing through `output`; actions report their exit code through `done`. */
export function buildProgram(output: Output, done: (code: number) => void): Commander {
  const program = new Commander('baqup')
    .description('baqup: label-driven backups of Docker containers. Talks to Docker, and to the running controller for backup, status and jobs.')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help (also: baqup <command> --help)')
    .configureOutput({ writeOut: output.out, writeErr: output.err })
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.addHelpText('after', '\nRun `baqup <command> --help` for a command\'s options, output formats and examples.\n');
  for (const [name, c] of Object.entries(commands)) define(program, name, c, done);
  return program;
}

/** Parses `argv` (without node and the script) and runs the command; resolves to the exit code. */
export async function runCli(argv: string[], output: Output = processOutput): Promise<number> {
  let code = 0;
  const program = buildProgram(output, (c) => (code = c));
  if (argv.length === 0) {
    output.err(program.helpInformation());
    return USAGE_EXIT;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help, --version and `baqup help` print and end with 0; every parse error is a usage error.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || (err.code === 'commander.help' && err.exitCode === 0)) return 0;
      return USAGE_EXIT;
    }
    if (err instanceof UsageError) {
      output.err(`baqup: ${err.message}\n(run with --help for usage)\n`);
      return USAGE_EXIT;
    }
    output.err(`baqup: ${errorMessage(err)}${err instanceof BaqupError ? ` (${err.code})` : ''}\n`);
    return 1;
  }
}
