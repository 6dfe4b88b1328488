// Typed wrappers over the rclone commands we use. Every failure becomes a BaqupError whose message names the
// remote by its display form only (connection-string parameters are scrubbed from stderr by @baqup/proc).
import type { Secret } from '@baqup/core';
import { errorMessage, redact } from '@baqup/core';
import { RemoteListFailedError, UploadFailedError } from './errors.js';
import { parseRcloneLogLine, type UploadProgress } from './rclone-log.js';
import { parseSha256Line } from './sha256.js';
import { runTool } from './tool.js';

export interface RcloneExecOptions {
  bin: string;
  configPath?: string;
  env?: Readonly<Record<string, string | Secret>>;
  secrets: string[];
  timeoutMs?: number;
}

export interface CopyOptions {
  bwlimit?: string;
  retries: number;
  lowLevelRetries: number;
  statsIntervalSeconds: number;
  onProgress?: (p: UploadProgress) => void;
  signal?: AbortSignal;
}

export interface LsEntry {
  Path: string;
  Size: number;
  ModTime: string;
  IsDir: boolean;
}

const exitCode = (err: unknown): number | null | undefined => (err as { exitCode?: number | null }).exitCode;

export function makeRclone(o: RcloneExecOptions) {
  const base = o.configPath === undefined ? [] : ['--config', o.configPath];
  const run = (args: string[], signal?: AbortSignal, onLine?: (l: string) => void): Promise<string> =>
    runTool({ command: o.bin, args: [...base, ...args], env: o.env, secrets: o.secrets, signal, timeoutMs: o.timeoutMs, onLine });
  // rclone logs to stderr and cannot open /dev/stdout when it is a socket (node's pipes are): `exec` it from a
  // shell with stderr joined to stdout, so the JSON log streams to us and the process group stays rclone's.
  const runLogged = (args: string[], signal: AbortSignal | undefined, onLine: (l: string) => void): Promise<string> =>
    runTool({
      command: 'sh',
      args: ['-c', 'exec "$0" "$@" 2>&1', o.bin, ...base, ...args],
      env: o.env, secrets: o.secrets, signal, timeoutMs: o.timeoutMs, onLine, maxBytes: 0,
    });
  const clean = (err: unknown): string => redact(errorMessage(err), o.secrets);

  return {
    /**
     * `rclone copyto --immutable`. rclone 1.60 honours --immutable only in sync/copy of a directory, not in copyto
     * (rclone#4921, fixed upstream in 2026), so uploadStaged makes the same promise itself: it lists the destination
     * first, refuses to replace a committed backup and clears a torn earlier try before copying. --ignore-times: a
     * file that only looks present (serve's directory cache) is sent again rather than skipped.
     */
    async copyTo(local: string, remotePath: string, display: string, c: CopyOptions): Promise<void> {
      const errors: string[] = [];
      const args = ['copyto', local, remotePath, '--immutable', '--ignore-times', '--retries', String(c.retries)];
      args.push('--low-level-retries', String(c.lowLevelRetries), '--use-json-log');
      args.push('--stats', `${c.statsIntervalSeconds}s`, '--stats-log-level', 'NOTICE');
      if (c.bwlimit !== undefined) args.push('--bwlimit', c.bwlimit);
      try {
        await runLogged(args, c.signal, (line) => {
          const parsed = parseRcloneLogLine(line);
          if (parsed?.kind === 'progress') c.onProgress?.(parsed.progress);
          // Fatal errors are printed as plain text, not JSON.
          else if (parsed?.kind === 'error' || parsed === null) errors.push(redact(parsed?.message ?? line.trim(), o.secrets));
        });
      } catch (err) {
        const why = errors.at(-1) ?? clean(err);
        throw new UploadFailedError(`rclone copy to ${display} failed: ${why}`, { cause: err });
      }
    },

    /** The sha256 the backend reports (computed where the file lies), or null when the backend has no sha256. */
    async hashsum(remotePath: string, display: string, download: boolean, signal?: AbortSignal): Promise<string | null> {
      const args = ['hashsum', 'sha256', remotePath, ...(download ? ['--download'] : [])];
      try {
        return parseSha256Line(await run(args, signal));
      } catch (err) {
        if (!download && /hash (type )?(not supported|unsupported)/i.test(errorMessage(err))) return null;
        throw new UploadFailedError(`reading back ${display} failed: ${clean(err)}`, { cause: err });
      }
    },

    async cat(remotePath: string, display: string, signal?: AbortSignal): Promise<string> {
      try {
        return await run(['cat', remotePath], signal);
      } catch (err) {
        throw new UploadFailedError(`reading back ${display} failed: ${clean(err)}`, { cause: err });
      }
    },

    /** Recursive file listing; null when the directory does not exist (rclone exit 3). */
    async lsjson(remotePath: string, display: string, signal?: AbortSignal, maxDepth?: number): Promise<LsEntry[] | null> {
      try {
        const depth = maxDepth === undefined ? [] : ['--max-depth', String(maxDepth)];
        return JSON.parse(await run(['lsjson', '-R', '--files-only', ...depth, remotePath], signal)) as LsEntry[];
      } catch (err) {
        if (exitCode(err) === 3) return null;
        throw new RemoteListFailedError(`listing ${display} failed: ${clean(err)}`, { cause: err });
      }
    },

    /** Copies every file matching the rclone filter `include` (the manifests) under remotePath into a local directory, in one rclone run. */
    async copyManifests(remotePath: string, localDir: string, display: string, signal: AbortSignal | undefined, include: string): Promise<void> {
      try {
        await run(['copy', remotePath, localDir, '--include', include], signal);
      } catch (err) {
        throw new RemoteListFailedError(`reading manifests from ${display} failed: ${clean(err)}`, { cause: err });
      }
    },

    /** `rclone copyto` from one remote path to another (server-side where the backend can). */
    async copyWithin(from: string, to: string, display: string, signal?: AbortSignal): Promise<void> {
      try {
        await run(['copyto', from, to], signal);
      } catch (err) {
        throw new RemoteListFailedError(`copying within ${display} failed: ${clean(err)}`, { cause: err });
      }
    },

    async deleteFile(remotePath: string, display: string, signal?: AbortSignal): Promise<void> {
      try {
        await run(['deletefile', remotePath], signal);
      } catch (err) {
        if (/doesn't exist|does not exist|not found|no such file/i.test(errorMessage(err))) return;
        throw new RemoteListFailedError(`deleting from ${display} failed: ${clean(err)}`, { cause: err });
      }
    },
  };
}

export type Rclone = ReturnType<typeof makeRclone>;
