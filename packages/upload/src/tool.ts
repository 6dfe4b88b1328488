// The one place this package starts rclone/restic: through @baqup/proc, so every child runs in its own
// process group and an abort kills the group. Secrets go in env only; argv is visible to every local user.
import type { Secret } from '@baqup/core';
import { spawnProcess, type ChildProcessHandle } from '@baqup/proc';

export interface ToolRun {
  command: string;
  args: readonly string[];
  env?: Readonly<Record<string, string | Secret>>;
  /** Extra strings to scrub from stderr (remote connection strings). */
  secrets?: readonly string[];
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Called for every complete stdout line (rclone's JSON log, restic's --json status). */
  onLine?: (line: string) => void;
  /** Keep at most this much stdout in the result (default 16 MiB); lines are still streamed past it. */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

function spawnTool(run: ToolRun, stdin: 'ignore' | 'pipe'): { child: ChildProcessHandle; stdout: () => string } {
  const child = spawnProcess({
    command: run.command,
    args: run.args,
    env: run.env,
    secrets: run.secrets,
    signal: run.signal,
    timeoutMs: run.timeoutMs,
    stdin,
    stdout: 'pipe',
  });
  return { child, stdout: collectLines(child, run.onLine, run.maxBytes ?? DEFAULT_MAX_BYTES) };
}

/** Runs a tool with stdin closed; resolves its stdout on exit 0, rejects with a @baqup/proc error otherwise. */
export async function runTool(run: ToolRun): Promise<string> {
  const { child, stdout } = spawnTool(run, 'ignore');
  await child.exited;
  return stdout();
}

/** Starts a tool with stdin piped, for `restic backup --stdin`; the caller owns stdin and awaits `exited`. */
export function startTool(run: ToolRun): { child: ChildProcessHandle; stdout: () => string } {
  return spawnTool(run, 'pipe');
}

function collectLines(child: ChildProcessHandle, onLine: ((line: string) => void) | undefined, max: number): () => string {
  const chunks: Buffer[] = [];
  let size = 0;
  let partial = '';
  child.stdout?.on('data', (c: Buffer) => {
    if (size < max) chunks.push(c);
    size += c.length;
    if (onLine === undefined) return;
    const lines = (partial + c.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.length > 0) onLine(line);
  });
  child.stdout?.on('end', () => {
    if (onLine !== undefined && partial.length > 0) onLine(partial);
    partial = '';
  });
  return () => Buffer.concat(chunks).toString('utf8');
}
