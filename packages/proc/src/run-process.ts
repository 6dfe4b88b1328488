// Run a short command to completion and collect its output (tool versions, rclone lsjson…).
import { ProcessFailedError } from './errors.js';
import { spawnProcess, type SpawnOptions } from './spawn-process.js';

export interface RunResult {
  stdout: string;
}

/** Runs a command with stdin closed and resolves its stdout on exit 0; output past `maxBytes` (default 16 MiB) is an error. */
export async function runProcess(options: Omit<SpawnOptions, 'stdin' | 'stdout'> & { maxBytes?: number }): Promise<RunResult> {
  const child = spawnProcess({ ...options, stdin: 'ignore', stdout: 'pipe' });
  const max = options.maxBytes ?? 16 * 1024 * 1024;
  const chunks: Buffer[] = [];
  let size = 0;
  child.stdout!.on('data', (c: Buffer) => {
    size += c.length;
    if (size > max) void child.kill(0);
    else chunks.push(c);
  });
  try {
    await child.exited;
  } catch (err) {
    if (size > max) throw new ProcessFailedError(child.command, null, 'SIGTERM', `output larger than ${max} bytes`);
    throw err;
  }
  return { stdout: Buffer.concat(chunks).toString('utf8') };
}
