// Test helper: runs the CLI in-process and collects what it prints (console and commander's own output).
import { vi } from 'vitest';
import { runCli } from '../program.js';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(...argv: string[]): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const fmt = (a: unknown[]) => `${a.map(String).join(' ')}\n`;
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (stdout += fmt(a)));
  const err = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void (stderr += fmt(a)));
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((t: string | Uint8Array) => ((stdout += String(t)), true));
  const errw = vi.spyOn(process.stderr, 'write').mockImplementation((t: string | Uint8Array) => ((stderr += String(t)), true));
  try {
    const code = await runCli(argv, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
    return { code, stdout, stderr };
  } finally {
    log.mockRestore();
    err.mockRestore();
    out.mockRestore();
    errw.mockRestore();
  }
}
