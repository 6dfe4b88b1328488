// zstd writing the staged file itself: its stdout is the file's descriptor, so compressed bytes never come back
// through Node. A Duplex costs the compressed data a pipe write, a pipe read into a fresh Buffer and a file write
// (and Node a stream hop per chunk); here zstd's write is the only copy (bench/README.md, "throughput.mjs").
// Core stream contract, as a promise: it resolves only when zstd exited 0 having taken the whole input.
import type { Readable } from 'node:stream';
import { ProcessFailedError } from '@baqup/core';
import { spawnProcess } from '@baqup/proc';

export interface ZstdToFileOptions {
  level: number;
  threads: number;
  command: string;
}

// zstd's message when its write fails for want of space ("error 70 : Write error : cannot write block : …").
const NO_SPACE = /No space left on device|Disk quota exceeded/;

/** The error stage maps to disk full (BAQUP_STAGE_DISK_FULL), with zstd's failure as its cause. */
function noSpace(err: ProcessFailedError): Error {
  const code = /Disk quota exceeded/.test(err.stderrTail) ? 'EDQUOT' : 'ENOSPC';
  return Object.assign(new Error(`${code}: ${err.command} could not write the staged file: ${err.stderrTail.trim()}`, { cause: err }), { code });
}

/** Compresses `input` into the file open on `fd` (its stdout); see CompressedJob.writeTo for the contract. */
export function zstdToFile(input: Readable, fd: number, signal: AbortSignal, options: ZstdToFileOptions): Promise<void> {
  // --no-sparse: zstd never seeks over zeros, so the file only ever grows by what zstd wrote (stage hashes it as it grows).
  const args = [`-${options.level}`, `-T${options.threads}`, '-c', '-q', '--no-progress', '--no-sparse'];
  const child = spawnProcess({ command: options.command, args, stdin: 'pipe', stdout: fd, signal, killGraceMs: 2000 });
  const stdin = child.stdin!;
  let inputError: unknown;
  let stdinError: Error | undefined;
  let ended = false;
  // Set when we end the input ourselves (zstd failed first): its close is then not the dump's failure.
  let stopped = false;
  const stop = (): void => {
    stopped = true;
    input.destroy();
  };
  const failInput = (err: unknown): void => {
    if (inputError !== undefined || ended || stopped) return;
    inputError = err;
    // Killed, not given EOF: zstd must never finish a valid frame of a truncated dump.
    void child.kill();
  };
  input.on('error', failInput);
  input.once('end', () => (ended = true));
  input.once('close', () => failInput(new Error('the dump stream closed before its end')));
  // zstd gone (died, killed): stop the dump rather than let it fill a pipe nobody reads.
  stdin.on('error', (err) => {
    stdinError ??= err;
    stop();
  });
  signal.addEventListener('abort', stop, { once: true });
  input.pipe(stdin);

  return child.exited.then(
    () => {
      if (inputError !== undefined) throw inputError;
      // Exit 0 but it could not take all our input (closed stdin early): the file is incomplete.
      if (stdinError) throw new ProcessFailedError(child.command, 0, null, `stdin: ${stdinError.message}`);
    },
    (err: unknown) => {
      if (!ended) stop();
      if (inputError !== undefined) throw inputError;
      throw err instanceof ProcessFailedError && NO_SPACE.test(err.stderrTail) ? noSpace(err) : err;
    },
  );
}
