// Exec with streamed, demuxed stdout and an exit code. The hijacked connection is used raw: stdout flows through
// our DemuxStream with backpressure, stderr keeps only its tail, stdin (if any) is piped in and half-closed.
import { randomUUID } from 'node:crypto';
import type { Duplex, Readable } from 'node:stream';
import type { Secret } from '@baqup/core';
import { call, type DockerContext } from './context.js';
import { DemuxStream } from './demux.js';
import { DockerApiError, toDockerError } from './errors.js';
import { killExec, EXEC_TOKEN_VAR } from './kill-exec.js';
import { TailBuffer } from './tail-buffer.js';

export interface ExecOptions {
  /** Environment of the exec'd process. Secrets are revealed only here (exec Env is not broadcast; Cmd is). */
  env?: Record<string, Secret | string>;
  user?: string;
  workingDir?: string;
  /** Piped to the process's stdin, which is closed (EOF) when this stream ends. */
  stdin?: Readable;
  /** Abort kills the process (and its children) inside the container and destroys stdout with the reason. */
  signal?: AbortSignal;
  /** Bytes of stderr kept for stderrText(); default 64 KiB. */
  stderrLimit?: number;
}

export interface ExecHandle {
  /** Engine exec id. */
  id: string;
  containerId: string;
  /** Demuxed stdout. Reading slowly slows the process down (the socket is paused), never buffers it. */
  stdout: Readable;
  /** The last `stderrLimit` bytes of stderr. */
  stderrText(): string;
  /** Resolves once stdout has been fully read (or the stream closed) and the engine reports the exit code. */
  exitCode: Promise<number>;
  /** Signal the process tree inside the container (see kill-exec.ts). */
  kill(signal?: 'TERM' | 'KILL'): Promise<number>;
}

function envList(env: ExecOptions['env'], token: string): string[] {
  const list = Object.entries(env ?? {}).map(([k, v]) => `${k}=${typeof v === 'string' ? v : v.reveal()}`);
  list.push(`${EXEC_TOKEN_VAR}=${token}`);
  return list;
}

/** Poll exec inspect until the engine says the process is gone; the attach stream can close a moment earlier. */
async function waitExitCode(ctx: DockerContext, execId: string): Promise<number> {
  const exec = ctx.docker.getExec(execId);
  for (let i = 0; i < 200; i++) {
    const info = await call(ctx, `exec ${execId}`, () => exec.inspect());
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    await new Promise((r) => setTimeout(r, Math.min(25 * (i + 1), 250)));
  }
  throw new DockerApiError(`Docker exec ${execId} still running after its output stream closed`, undefined);
}

export async function startExec(
  ctx: DockerContext,
  containerId: string,
  cmd: string[],
  options: ExecOptions = {},
): Promise<ExecHandle> {
  const { signal, stdin } = options;
  signal?.throwIfAborted();
  const token = randomUUID();
  const exec = await call(ctx, `container ${containerId}`, () =>
    ctx.docker.getContainer(containerId).exec({
      Cmd: cmd,
      Env: envList(options.env, token),
      ...(options.user === undefined ? {} : { User: options.user }),
      ...(options.workingDir === undefined ? {} : { WorkingDir: options.workingDir }),
      AttachStdin: stdin !== undefined,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
      ...(signal ? { abortSignal: signal } : {}),
    }),
  );
  const execId = exec.id;
  ctx.execs.set(execId, { containerId, token, user: options.user });
  const kill = (sig: 'TERM' | 'KILL' = 'KILL') => killExec(ctx, containerId, execId, sig);

  // No abortSignal here: after the upgrade the socket is ours, and abort is handled below by killing the process.
  let socket: Duplex;
  try {
    socket = (await call(ctx, `exec ${execId}`, () =>
      exec.start({ hijack: true, stdin: stdin !== undefined, Detach: false, Tty: false }),
    )) as Duplex;
  } catch (err) {
    ctx.execs.delete(execId);
    throw err;
  }

  const tail = new TailBuffer(options.stderrLimit);
  const stdout = new DemuxStream({ onStderr: (c) => tail.write(c) });
  // An engine that goes away mid-stream (ECONNRESET) surfaces as DockerUnreachableError, like every other call.
  socket.on('error', (err) => stdout.destroy(toDockerError(err, ctx.address, `exec ${execId}`) as Error));
  socket.pipe(stdout);

  if (stdin) {
    stdin.pipe(socket, { end: false });
    // Half-close: FIN on the raw hijacked socket is how the engine learns stdin is at EOF (as the docker CLI's
    // CloseWrite). docker-modem's HttpDuplex.end() would destroy the socket and lose the output instead.
    stdin.once('end', () => socket.end());
    stdin.once('error', (err) => stdout.destroy(err));
  }

  let ended = false;
  stdout.once('end', () => (ended = true));
  const onAbort = () => {
    stdout.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  // Whatever closes stdout early (abort, a failing consumer, a stream error), the process must not outlive it.
  stdout.once('close', () => {
    signal?.removeEventListener('abort', onAbort);
    if (!ended) {
      socket.destroy();
      kill('KILL').catch(() => {});
    }
  });

  const exitCode = new Promise<void>((resolve) => socket.once('close', () => resolve()))
    .then(() => waitExitCode(ctx, execId))
    .finally(() => ctx.execs.delete(execId));
  exitCode.catch(() => {}); // observed by whoever awaits it; never an unhandled rejection

  return { id: execId, containerId, stdout, stderrText: () => tail.toString(), exitCode, kill };
}
