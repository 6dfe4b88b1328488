// What a check collector needs: a command run to completion in some container (the target at dump time, the
// drill's throwaway container at drill time), with secrets in env only.
import type { Secret } from '@baqup/core';
import type { ExecResult } from '@baqup/docker';

export type CheckRun = (argv: string[], env?: Record<string, string | Secret>) => Promise<ExecResult>;

/** stdout of a zero exit, else throws with the stderr tail (the caller redacts nothing: no secret is in argv or output). */
export async function checkOutput(run: CheckRun, argv: string[], env?: Record<string, string | Secret>): Promise<string> {
  const r = await run(argv, env);
  if (r.exitCode !== 0) throw new Error(`${argv[0]} exited ${r.exitCode}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ')}`);
  if (r.truncated) throw new Error(`${argv[0]} printed more than the output limit`);
  return r.stdout;
}

/** `name<TAB>rows<TAB>estimated` lines into a table → count map. */
export function parseCountLines(text: string): Record<string, { rows: number; estimated?: true }> {
  const out: Record<string, { rows: number; estimated?: true }> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    const [name, rows, est] = line.split('\t');
    const n = Number(rows);
    if (!name || !Number.isFinite(n)) continue;
    out[name] = { rows: Math.round(n), ...(est === 't' || est === '1' ? { estimated: true as const } : {}) };
  }
  return out;
}
