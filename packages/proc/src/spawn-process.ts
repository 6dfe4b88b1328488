// One child process in its own process group: stdio exposed, killed as a group on abort or timeout,
// its exit turned into a resolved promise (code 0) or a BaqupError with the redacted end of stderr.
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { Secret } from '@baqup/core';
import { ProcessAbortedError, ProcessFailedError, ProcessSpawnError, ProcessTimeoutError } from './errors.js';
import { groupAlive, terminateGroup } from './process-group.js';
import { track } from './registry.js';
import { StderrTail } from './stderr-tail.js';

export interface SpawnOptions {
  command: string;
  args?: readonly string[];
  /** Added to the child's env. Secret values are revealed only here and redacted from stderr. Never put secrets in args. */
  env?: Readonly<Record<string, string | Secret>>;
  /** Start from this process's env (default true); false gives the child only PATH plus `env`. */
  inheritEnv?: boolean;
  cwd?: string;
  /** Aborting kills the whole group and rejects `exited` with ProcessAbortedError. */
  signal?: AbortSignal;
  /** Kills the whole group after this many ms and rejects `exited` with ProcessTimeoutError. */
  timeoutMs?: number;
  /** Time between SIGTERM and SIGKILL (default 5000 ms). */
  killGraceMs?: number;
  /** More values to redact from stderr, beyond the Secret values of `env`. */
  secrets?: ReadonlyArray<Secret | string>;
  stdin?: 'pipe' | 'ignore';
  /** A number is a file descriptor the child writes to directly (e.g. zstd straight into the staged file). */
  stdout?: 'pipe' | 'ignore' | number;
}

export interface ChildProcessHandle {
  readonly pid: number;
  readonly command: string;
  /** Null when `stdin: 'ignore'`. */
  readonly stdin: Writable | null;
  /** Null unless `stdout: 'pipe'`. */
  readonly stdout: Readable | null;
  /** Resolves when the leader exits 0; rejects with ProcessFailedError / Timeout / Aborted / Spawn error. */
  readonly exited: Promise<void>;
  /** The redacted end of stderr so far. */
  stderrTail(): string;
  /** Kills the whole group; `exited` then rejects with ProcessAbortedError (unless it already settled). */
  kill(graceMs?: number): Promise<void>;
}

/** Spawns `command` detached (its own process group) and tracks it until it exits. */
export function spawnProcess(options: SpawnOptions): ChildProcessHandle {
  const name = basename(options.command);
  const graceMs = options.killGraceMs ?? 5000;
  const env: Record<string, string> = options.inheritEnv === false ? { PATH: process.env.PATH ?? '/usr/bin:/bin' } : { ...(process.env as Record<string, string>) };
  const secrets: Array<Secret | string> = [...(options.secrets ?? [])];
  for (const [k, v] of Object.entries(options.env ?? {})) {
    env[k] = v instanceof Secret ? v.reveal() : v;
    if (v instanceof Secret) secrets.push(v);
  }
  const tail = new StderrTail();
  const child = spawn(options.command, options.args ?? [], {
    cwd: options.cwd,
    env,
    detached: true,
    stdio: [options.stdin ?? 'pipe', options.stdout ?? 'pipe', 'pipe'],
  });
  child.stderr?.on('data', (c: Buffer) => tail.push(c));
  // EPIPE when the child exits before reading all input: the exit code tells what happened, so an
  // unread stdin must never crash the process; processDuplex reports it separately.
  child.stdin?.on('error', () => undefined);

  // Why we killed it, so the exit is reported as a timeout/abort rather than a plain failure.
  let killReason: Error | undefined;
  let settled = false;
  let leaderExited = false;
  const pid = child.pid ?? -1;
  const killGroup = async (reason: Error, grace = graceMs): Promise<void> => {
    if (!settled && !leaderExited) {
      killReason ??= reason;
      if (pid > 0) await terminateGroup(pid, grace);
    }
    await exited.catch(() => undefined);
  };

  const exited = new Promise<void>((resolve, reject) => {
    child.once('error', (err) => {
      // 'error' without a pid means spawn failed; with a pid it is a kill() failure we do not use.
      if (child.pid === undefined) finish(new ProcessSpawnError(name, err));
    });
    // 'close' (not 'exit') so the stderr tail is complete when the error is built.
    child.once('close', (code, sig) => {
      if (killReason) return finish(killReason);
      if (code === 0) return finish();
      finish(new ProcessFailedError(name, code, sig, tail.text(secrets)));
    });
    child.once('exit', () => {
      leaderExited = true;
      // Orphans left in the group (a shell's background jobs) would hold our pipes open: end them too.
      if (pid > 0 && groupAlive(pid)) void terminateGroup(pid, graceMs);
    });
    function finish(err?: Error): void {
      if (settled) return;
      settled = true;
      untrack();
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve();
    }
  });
  // The caller may only look at `exited` later; never let its rejection count as unhandled meanwhile.
  exited.catch(() => undefined);

  const handle: ChildProcessHandle = {
    pid,
    command: name,
    stdin: child.stdin,
    stdout: child.stdout,
    exited,
    stderrTail: () => tail.text(secrets),
    kill: (grace?: number) => killGroup(new ProcessAbortedError(name, new Error('killed')), grace),
  };
  const untrack = pid > 0 ? track(handle) : () => false;
  const onAbort = (): void => void killGroup(new ProcessAbortedError(name, options.signal?.reason));
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => void killGroup(new ProcessTimeoutError(name, options.timeoutMs!, tail.text(secrets))), options.timeoutMs);
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  return handle;
}
