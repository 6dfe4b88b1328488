// A client inside the container fed the decompressed dump on stdin, with backpressure end to end.
import type { Readable } from 'node:stream';
import type { Secret } from '@baqup/core';
import { execFailure } from '@baqup/docker';
import { RestoreFailedError } from '../errors.js';
import type { LoadContext } from './context.js';

export interface StdinRun {
  exitCode: number;
  stderr: string;
}

/** Runs `argv` with `input` as stdin; resolves exit code and the stderr tail. A broken input stream throws. */
export async function execWithStdin(ctx: LoadContext, argv: string[], env: Record<string, string | Secret>, input: Readable): Promise<StdinRun> {
  let inputError: Error | undefined;
  input.once('error', (err) => (inputError = err));
  const h = await ctx.docker.exec(ctx.containerId, argv, { env, stdin: input, signal: ctx.signal, stderrLimit: 1024 * 1024 });
  h.stdout.on('error', () => {});
  h.stdout.resume();
  const exitCode = await h.exitCode;
  if (inputError) throw new RestoreFailedError(`reading the backup failed while ${argv[0]} was loading it: ${inputError.message}`, { cause: inputError });
  return { exitCode, stderr: h.stderrText() };
}

/** A small command to completion; throws RestoreFailedError (redacted stderr tail) on a non-zero exit. */
export async function runOk(ctx: LoadContext, argv: string[], env: Record<string, string | Secret> = {}): Promise<string> {
  const r = await ctx.docker.execToCompletion(ctx.containerId, argv, { env, signal: ctx.signal, maxBytes: 256 * 1024 });
  if (r.exitCode !== 0) throw new RestoreFailedError(execFailure(argv, r.exitCode, r.stderr || r.stdout, ctx.password ? [ctx.password] : []).message);
  return r.stdout;
}

/** The first of `tools` present in the container, or undefined. */
export async function findTool(ctx: LoadContext, tools: string[]): Promise<string | undefined> {
  const script = 'for t in "$@"; do if command -v "$t" >/dev/null 2>&1; then echo "$t"; exit 0; fi; done; exit 127';
  const r = await ctx.docker.execToCompletion(ctx.containerId, ['sh', '-c', script, 'baqup-find-tool', ...tools], { signal: ctx.signal });
  return r.exitCode === 0 ? r.stdout.trim() || undefined : undefined;
}
