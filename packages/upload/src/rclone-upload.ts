// One staged backup to the remote: look at the destination first (a committed backup under the name is never
// replaced), data file, verify it by reading back, then `.sha256`, then the manifest (last: a manifest on the
// remote means the backup is complete), then the local upload marker.
import { readFile, stat } from 'node:fs/promises';
import { posix } from 'node:path';
import type { LogFields, Logger } from '@baqup/core';
import { errorCode, errorMessage } from '@baqup/core';
import { MANIFEST_SUFFIX, parseManifest, SHA256_SUFFIX } from '@baqup/stage';
import { UploadFailedError } from './errors.js';
import type { Rclone } from './rclone-exec.js';
import type { UploadProgress } from './rclone-log.js';
import { joinRemote } from './remote-string.js';
import { readSha256File } from './sha256.js';
import { writeUploadMarker } from './upload-marker.js';

export interface UploadContext {
  display: string;
  rclone: Rclone;
  path: (relativePath: string) => string;
  logger: Logger;
  bwlimit?: string;
  retries?: number;
  lowLevelRetries?: number;
  statsIntervalSeconds?: number;
  verify?: 'hash' | 'download';
}

export interface UploadOptions {
  onProgress?: (p: UploadProgress) => void;
  /** Added to every log line (container, target, schedule, job_id). */
  fields?: LogFields;
}

export interface UploadReport {
  relativePath: string;
  bytes: number;
  sha256: string;
  /** Wall time of the whole upload including read-back verification. */
  durationMs: number;
  /** Data file bytes / copy time (verification excluded); 0 when the remote already held this very backup. */
  bytesPerSecond: number;
  verifiedBy: 'remote-hash' | 'download';
}

export async function uploadStaged(
  ctx: UploadContext,
  file: string,
  rel: string,
  signal?: AbortSignal,
  options: UploadOptions = {},
): Promise<UploadReport> {
  const fields: LogFields = { ...options.fields, remote: ctx.display, path: rel };
  const started = Date.now();
  let expected: string;
  let size: number;
  try {
    [expected, size] = await Promise.all([readSha256File(file), stat(file).then((s) => s.size)]);
  } catch (err) {
    // A staged file without its checksum cannot be verified anywhere: retrying will not help.
    throw new UploadFailedError(`staged backup ${rel} is incomplete: ${errorMessage(err)}`, { retryable: false, cause: err });
  }
  ctx.logger.info('upload started', { ...fields, event: 'upload.started', bytes: size });
  const copy = (local: string, relPath: string, onProgress?: (p: UploadProgress) => void): Promise<void> =>
    ctx.rclone.copyTo(local, ctx.path(relPath), joinRemote(ctx.display, relPath), {
      bwlimit: ctx.bwlimit,
      retries: ctx.retries ?? 3,
      lowLevelRetries: ctx.lowLevelRetries ?? 10,
      statsIntervalSeconds: ctx.statsIntervalSeconds ?? 10,
      signal,
      onProgress,
    });
  try {
    const there = await remoteNames(ctx, rel, signal);
    const name = posix.basename(rel);
    let verifiedBy: 'remote-hash' | 'download' | undefined;
    let copyMs: number | undefined;
    if (there.has(`${name}${MANIFEST_SUFFIX}`)) {
      // A committed backup already has this name: baqup never replaces one. The same backup (an earlier run uploaded
      // it and stopped before its local marker) is kept when it still reads back right.
      const sha = manifestSha(await ctx.rclone.cat(ctx.path(`${rel}${MANIFEST_SUFFIX}`), joinRemote(ctx.display, `${rel}${MANIFEST_SUFFIX}`), signal));
      if (sha !== expected) {
        throw new UploadFailedError(
          `${joinRemote(ctx.display, rel)} already holds a different backup (sha256 ${sha ?? 'unreadable'}); baqup never replaces a backup on the remote, the staged copy stays at ${file}`,
          { retryable: false },
        );
      }
      verifiedBy = await verifyLanded(ctx, rel, expected, signal).catch(() => undefined);
    }
    if (verifiedBy === undefined) {
      // Anything under this name without a (matching) copy is a torn earlier try: clear it, then copy with --immutable.
      if (there.has(name)) await ctx.rclone.deleteFile(ctx.path(rel), joinRemote(ctx.display, rel), signal);
      await copy(file, rel, (p) => {
        ctx.logger.info('upload progress', { ...fields, event: 'upload.progress', bytes: p.bytes, total_bytes: p.totalBytes, bytes_per_second: p.bytesPerSecond });
        options.onProgress?.(p);
      });
      copyMs = Math.max(1, Date.now() - started);
      verifiedBy = await verifyLanded(ctx, rel, expected, signal);
    }
    for (const suffix of [SHA256_SUFFIX, MANIFEST_SUFFIX]) {
      const shown = joinRemote(ctx.display, rel + suffix);
      const local = await readFile(`${file}${suffix}`, 'utf8');
      if (there.has(name + suffix)) {
        if ((await ctx.rclone.cat(ctx.path(rel + suffix), shown, signal).catch(() => undefined)) === local) continue;
        await ctx.rclone.deleteFile(ctx.path(rel + suffix), shown, signal);
      }
      await copy(`${file}${suffix}`, `${rel}${suffix}`);
      const landed = await ctx.rclone.cat(ctx.path(`${rel}${suffix}`), shown, signal);
      if (local !== landed) throw new UploadFailedError(`${shown} read back differs from the staged copy`);
    }
    await writeUploadMarker(file, { remote: ctx.display, relativePath: rel, sha256: expected, verifiedBy, verifiedAt: new Date().toISOString() });
    const report: UploadReport = {
      relativePath: rel,
      bytes: size,
      sha256: expected,
      durationMs: Date.now() - started,
      bytesPerSecond: copyMs === undefined ? 0 : Math.round((size * 1000) / copyMs),
      verifiedBy,
    };
    ctx.logger.info('upload verified', {
      ...fields, event: 'upload.succeeded', bytes: size, duration_ms: report.durationMs, bytes_per_second: report.bytesPerSecond, verified_by: verifiedBy,
    });
    return report;
  } catch (err) {
    const failure = err instanceof UploadFailedError ? err : new UploadFailedError(`upload of ${rel} failed: ${errorMessage(err)}`, { cause: err });
    ctx.logger.error('upload failed', { ...fields, event: 'upload.failed', error: { message: failure.message, code: errorCode(failure) } });
    throw failure;
  }
}

/** Names already in the backup's remote directory (none when it does not exist yet); a failed listing fails the upload. */
async function remoteNames(ctx: UploadContext, rel: string, signal?: AbortSignal): Promise<Set<string>> {
  const dir = posix.dirname(rel);
  const listed = await ctx.rclone.lsjson(ctx.path(dir === '.' ? '' : dir), joinRemote(ctx.display, dir), signal);
  return new Set((listed ?? []).filter((e) => !e.Path.includes('/')).map((e) => e.Path));
}

function manifestSha(text: string): string | undefined {
  const sha = parseManifest(text)?.sha256;
  return typeof sha === 'string' ? sha : undefined;
}

/** Reads back what landed: the backend's own sha256 when it has one, otherwise (or when asked) the downloaded bytes. */
async function verifyLanded(ctx: UploadContext, rel: string, expected: string, signal?: AbortSignal): Promise<'remote-hash' | 'download'> {
  const shown = joinRemote(ctx.display, rel);
  let by: 'remote-hash' | 'download' = 'remote-hash';
  let actual = ctx.verify === 'download' ? null : await ctx.rclone.hashsum(ctx.path(rel), shown, false, signal);
  if (actual === null) {
    by = 'download';
    actual = await ctx.rclone.hashsum(ctx.path(rel), shown, true, signal);
  }
  if (actual !== expected) {
    throw new UploadFailedError(`${shown} does not match the staged file: sha256 ${actual ?? 'unknown'} on the remote, ${expected} staged`);
  }
  return by;
}
