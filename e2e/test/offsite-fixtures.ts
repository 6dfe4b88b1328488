// Fixtures for the offsite e2e tests (issue #5 through the controller process): a sampler of every process's argv
// (to prove no credential reaches rclone's or restic's command line), a run of the built CLI with a config file, and
// the sha256 of files as they lie on disk.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { CLI_MAIN, said } from './pipeline-fixtures.js';

const run = promisify(execFile);

/** Polls /proc every few ms and keeps each distinct command line that `match` accepts (NULs shown as spaces). */
export function sampleArgv(match: (cmdline: string) => boolean): { stop(): string[] } {
  const seen = new Set<string>();
  const tick = () => {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
        if (cmd && match(cmd)) seen.add(cmd);
      } catch {
        // gone meanwhile
      }
    }
  };
  const timer = setInterval(tick, 5);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return [...seen];
    },
  };
}

/** `baqup <args>` (the built CLI) with `--config file`; never throws, the exit code is in the result. */
export async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [CLI_MAIN, ...args], { env: { ...process.env, ...env }, timeout: 120_000 });
    said.push(r.stdout, r.stderr);
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    said.push(e.stdout ?? '', e.stderr ?? '');
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
