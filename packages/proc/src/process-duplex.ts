// A child process as a Duplex: what is written goes to its stdin, what it prints comes out.
// Stream contract (core pipeline.ts): the readable side ends only after the child exited 0; any
// failure (non-zero exit, kill, spawn error, lost input) destroys it with that error. Destroying
// the duplex kills the whole process group.
import { Duplex } from 'node:stream';
import { spawnProcess, type ChildProcessHandle, type SpawnOptions } from './spawn-process.js';
import { ProcessFailedError } from './errors.js';

export type ProcessDuplexOptions = Omit<SpawnOptions, 'stdin' | 'stdout'>;

class ProcessDuplex extends Duplex {
  readonly child: ChildProcessHandle;
  #stdinError: Error | undefined;

  constructor(options: ProcessDuplexOptions) {
    // 1 MiB each side instead of 16 KiB: Node and the child overlap rather than hand off every 64 KiB pipe read.
    super({ readableHighWaterMark: 1 << 20, writableHighWaterMark: 1 << 20 });
    const child = spawnProcess({ ...options, stdin: 'pipe', stdout: 'pipe' });
    this.child = child;
    const stdin = child.stdin!;
    const stdout = child.stdout!;
    stdin.on('error', (err) => (this.#stdinError ??= err));
    stdout.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) stdout.pause();
    });
    const stdoutEnded = new Promise<void>((resolve) => stdout.once('end', resolve));
    Promise.all([child.exited, stdoutEnded]).then(
      () => {
        // Exit 0 but it could not take all our input (closed stdin early): output is incomplete.
        if (this.#stdinError) this.destroy(new ProcessFailedError(child.command, 0, null, `stdin: ${this.#stdinError.message}`));
        else this.push(null);
      },
      (err: Error) => this.destroy(err),
    );
  }

  override _read(): void {
    this.child.stdout?.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    const stdin = this.child.stdin!;
    // A child that died is reported by the exit path; do not pile data into a dead pipe.
    if (stdin.destroyed) return callback();
    if (stdin.write(chunk, encoding)) callback();
    else {
      const done = (): void => {
        stdin.off('drain', done);
        stdin.off('close', done);
        callback();
      };
      stdin.on('drain', done);
      stdin.on('close', done);
    }
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.child.stdin!.end();
    callback();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.child.stdin?.destroy();
    this.child.stdout?.destroy();
    void this.child.kill().finally(() => callback(err));
  }
}

/** Spawns a filter process (zstd, gpg…) and returns it as a Duplex following the core stream contract. */
export function processDuplex(options: ProcessDuplexOptions): Duplex & { readonly child: ChildProcessHandle } {
  return new ProcessDuplex(options);
}
