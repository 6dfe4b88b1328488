// What a command is, apart from how its arguments are parsed: program.ts turns each spec into a commander command
// (help, did-you-mean, exit code 2 on usage errors); `run` gets the parsed values and returns the exit code.
export interface ArgumentSpec {
  /** `<container>` (required) or `[target]` (optional), as the help shows it. */
  name: string;
  description: string;
}

export interface OptionSpec {
  /** Commander flags, e.g. `-c, --config <file>`, `--dry-run`, `--no-wait`. */
  flags: string;
  description: string;
  default?: string | boolean;
  choices?: readonly string[];
}

export interface CommandInput {
  /** Positional arguments in the order of `arguments`; undefined when an optional one was not given. */
  args: Array<string | undefined>;
  /** The values of a variadic last argument (`[id...]`); its first is also in `args`. */
  rest: string[];
  /** Option values by commander's camelCase name (`--dry-run` → `dryRun`, `--no-wait` → `wait`). */
  opts: Record<string, unknown>;
}

export interface Command {
  summary: string;
  arguments?: ArgumentSpec[];
  options: OptionSpec[];
  /** Shown after the options in `baqup <command> --help`: output formats, exit codes. */
  details?: string;
  examples: string[];
  /** Returns the process exit code. */
  run(input: CommandInput): Promise<number>;
}

/** Reads a string option; undefined when absent. */
export const str = (opts: Record<string, unknown>, name: string): string | undefined => (typeof opts[name] === 'string' ? (opts[name] as string) : undefined);
/** Reads a boolean option. */
export const bool = (opts: Record<string, unknown>, name: string): boolean => opts[name] === true;
