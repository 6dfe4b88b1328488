// Running the engines' tools inside the target container: small commands to completion, dumps as streams.
import { Readable } from 'node:stream';
import { Secret } from '@baqup/core';
import { execFailure, type ExecResult } from '@baqup/docker';
import { DumpFailedError } from './errors.js';
import type { EngineContext } from './engines/types.js';

export type ToolEnv = Record<string, Secret | string>;

/** Run a small command; never throws on a non-zero exit. */
export function run(ctx: EngineContext, argv: string[], env: ToolEnv = {}): Promise<ExecResult> {
  return ctx.docker.execToCompletion(ctx.containerId, argv, { env, signal: ctx.signal, maxBytes: 256 * 1024 });
}

function secrets(env: ToolEnv): Secret[] {
  return Object.values(env).filter((v): v is Secret => v instanceof Secret);
}

/** Run a small command and return its stdout; a non-zero exit throws DumpFailedError (exit code, redacted stderr tail). */
export async function runOk(ctx: EngineContext, argv: string[], env: ToolEnv = {}): Promise<string> {
  const r = await run(ctx, argv, env);
  if (r.exitCode !== 0) {
    const failure = execFailure(argv, r.exitCode, r.stderr || r.stdout, [...secrets(env), ...(ctx.password ? [ctx.password] : [])]);
    throw new DumpFailedError(failure.message);
  }
  return r.stdout;
}

/** A dump tool's stdout; it ends only after a zero exit, else is destroyed with ExecFailedError. */
export function output(ctx: EngineContext, argv: string[], env: ToolEnv = {}): Readable {
  return ctx.docker.execStream(ctx.containerId, argv, {
    env,
    signal: ctx.signal,
    redact: ctx.password ? [ctx.password] : [],
  });
}

/** The first line of `<tool> --version`, or 'unknown' (a version is informative, never a reason to fail). */
export async function toolVersion(ctx: EngineContext, argv: string[]): Promise<string> {
  const r = await run(ctx, argv).catch(() => undefined);
  const line = r?.exitCode === 0 ? r.stdout.split('\n').find((l) => l.trim()) : undefined;
  return line?.trim() ?? 'unknown';
}

/** Which of `tools` the container has (first match) with its version line; undefined when none. */
export async function findTool(ctx: EngineContext, tools: string[]): Promise<{ tool: string; version: string } | undefined> {
  const script = 'for t in "$@"; do if command -v "$t" >/dev/null 2>&1; then echo "$t"; "$t" --version 2>&1 | head -n 1; exit 0; fi; done; exit 127';
  const r = await run(ctx, ['sh', '-c', script, 'baqup-find-tool', ...tools]);
  if (r.exitCode !== 0) return undefined;
  const [tool, version] = r.stdout.split('\n');
  return tool ? { tool: tool.trim(), version: version?.trim() || 'unknown' } : undefined;
}

/** Concatenate streams made one after another (each only once the previous ended cleanly), with backpressure. */
export function concat(ctx: EngineContext, parts: (() => Readable)[]): AsyncGenerator<Buffer> {
  return (async function* () {
    for (const make of parts) {
      ctx.signal.throwIfAborted();
      // for-await destroys the part if we stop early (error, consumer gone), which kills its process.
      for await (const chunk of make() as AsyncIterable<Buffer>) yield chunk;
    }
  })();
}

/**
 * `concat` as a stream. A single part (pg_dumpall) is returned as it is: the async iteration of `concat` costs a
 * promise per chunk, and Docker hands exec output over in 4–16 KiB frames (bench/throughput.mjs).
 */
export function concatStream(ctx: EngineContext, parts: (() => Readable)[]): Readable {
  if (parts.length === 1) return parts[0]!();
  return Readable.from(concat(ctx, parts));
}
