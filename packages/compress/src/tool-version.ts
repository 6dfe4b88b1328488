import { runProcess } from '@baqup/proc';

/** The zstd CLI's version (`1.5.4`), or a rejection when the binary is missing: a start-up check for the controller. */
export async function detectZstdVersion(command = 'zstd'): Promise<string> {
  const { stdout } = await runProcess({ command, args: ['-V'], timeoutMs: 10_000 });
  return /v?(\d+\.\d+\.\d+)/.exec(stdout)?.[1] ?? stdout.trim();
}
