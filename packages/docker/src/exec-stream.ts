// The two shapes callers want on top of startExec: a dump stream that obeys core's pipeline contract, and a
// small command run to completion.
import { Transform, type Readable } from 'node:stream';
import { Secret } from '@baqup/core';
import type { DockerContext } from './context.js';
import { ExecFailedError } from './errors.js';
import { startExec, type ExecHandle, type ExecOptions } from './exec.js';
import { redact } from '@baqup/core';

export interface ExecStreamOptions extends ExecOptions {
  /** Extra values to scrub from the stderr tail in the error message; Secret values in `env` are always scrubbed. */
  redact?: Iterable<Secret | string>;
}

const MESSAGE_TAIL = 2048;

/** ExecFailedError for a finished exec: exit code plus the redacted tail of stderr. */
export function execFailure(cmd: string[], exitCode: number, stderr: string, secrets: Iterable<Secret | string>): ExecFailedError {
  const clean = redact(stderr, secrets).trim();
  const tail = clean.length > MESSAGE_TAIL ? `…${clean.slice(-MESSAGE_TAIL)}` : clean;
  // Only the program name: argv carries no secrets by design, but it can be long and noisy.
  const program = cmd[0] ?? 'command';
  return new ExecFailedError(exitCode, `${program} exited with code ${exitCode}${tail ? `: ${tail}` : ''}`);
}

function secretsOf(options: ExecStreamOptions): (Secret | string)[] {
  const fromEnv = Object.values(options.env ?? {}).filter((v): v is Secret => v instanceof Secret);
  return [...fromEnv, ...(options.redact ?? [])];
}

/**
 * stdout of an exec as a Readable that ends only after the exit code is known and is 0; otherwise it is
 * destroyed with ExecFailedError (or the Docker error that prevented the start). Destroying it kills the process.
 */
export function execStream(ctx: DockerContext, containerId: string, cmd: string[], options: ExecStreamOptions = {}): Readable {
  let handle: ExecHandle | undefined;
  const gate = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      cb(null, chunk);
    },
    flush(cb) {
      if (!handle) return cb();
      const h = handle;
      h.exitCode.then(
        (code) => cb(code === 0 ? null : execFailure(cmd, code, h.stderrText(), secretsOf(options))),
        (err: Error) => cb(err),
      );
    },
  });
  startExec(ctx, containerId, cmd, options).then(
    (h) => {
      handle = h;
      if (gate.destroyed) {
        h.stdout.destroy();
        return;
      }
      h.stdout.on('error', (err) => gate.destroy(err));
      gate.once('close', () => {
        if (!h.stdout.readableEnded) h.stdout.destroy();
      });
      h.stdout.pipe(gate);
    },
    (err: Error) => gate.destroy(err),
  );
  return gate;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** True when stdout exceeded `maxBytes` and was cut (the rest was read and dropped). */
  truncated: boolean;
}

/** Run a small command to completion; never throws on a non-zero exit (check `exitCode`). */
export async function execToCompletion(
  ctx: DockerContext,
  containerId: string,
  cmd: string[],
  options: ExecOptions & { maxBytes?: number } = {},
): Promise<ExecResult> {
  const max = options.maxBytes ?? 1024 * 1024;
  const h = await startExec(ctx, containerId, cmd, { stderrLimit: max, ...options });
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of h.stdout as AsyncIterable<Buffer>) {
    if (size >= max) {
      truncated = true;
      continue;
    }
    const keep = chunk.subarray(0, max - size);
    truncated ||= keep.length < chunk.length;
    chunks.push(Buffer.from(keep));
    size += keep.length;
  }
  const exitCode = await h.exitCode;
  return { exitCode, stdout: Buffer.concat(chunks).toString('utf8'), stderr: h.stderrText(), truncated };
}
