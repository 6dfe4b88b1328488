// "Rclone fails: retain staging, alert, retry next scheduled run": every run uploads whatever is staged
// without a verified copy, oldest first, and frees staging only for files whose remote copy was verified.
//
// cleanup_after_upload keeps nothing local (data, .sha256, .manifest.json and the upload marker all go): the remote is
// the record `baqup ls` reads, and a manifest left alone in staging would look like a backup that is not there.
import type { BackupManifest, LogFields, Logger } from '@baqup/core';
import { errorCode, errorMessage, targetName } from '@baqup/core';
import type { StoreReport, UploadBackend } from './backend.js';
import type { RcloneRemote } from './rclone-remote.js';
import { pendingUploads, removeStaged, type StagedBackup } from './staging.js';

export type UploadPendingOptions = UploadPendingBase & (
  | { backend: Pick<UploadBackend, 'markerKey' | 'store'>; remote?: undefined }
  /** An rclone remote by itself (what the backend wraps). */
  | { remote: Pick<RcloneRemote, 'display' | 'upload'>; backend?: undefined }
);

interface UploadPendingBase {
  stagingRoot: string;
  /** Remove the staged copy once its remote copy is verified. */
  cleanupAfterUpload: boolean;
  logger: Logger;
  signal?: AbortSignal;
  /** Only staged files under this relative prefix (`container/type-instance`). */
  prefix?: string;
}

export interface UploadPendingResult {
  uploaded: StoreReport[];
  failed: Array<{ relativePath: string; error: { code: string; message: string } }>;
  /** Still pending after this run (failed, or not tried because the remote failed first). */
  remaining: string[];
}

/** Uploads every pending staged backup; stops at the first retryable failure (the remote is likely down). */
export async function uploadPending(o: UploadPendingOptions): Promise<UploadPendingResult> {
  const remote = o.remote;
  const markerKey = o.backend ? o.backend.markerKey : remote!.display;
  const backend = o.backend;
  const store = (b: StagedBackup, manifest: BackupManifest, fields: LogFields): Promise<StoreReport> =>
    backend
      ? backend.store({ file: b.file, relativePath: b.relativePath, manifest, fields, retry: true, ...(o.signal ? { signal: o.signal } : {}) })
      : remote!.upload(b.file, b.relativePath, o.signal, { fields });
  const pending = (await pendingUploads(o.stagingRoot, markerKey))
    .filter((b) => o.prefix === undefined || b.relativePath.startsWith(`${o.prefix}/`))
    .sort(oldestFirst);
  const result: UploadPendingResult = { uploaded: [], failed: [], remaining: [] };
  let stopped = false;
  for (const b of pending) {
    if (stopped || o.signal?.aborted) {
      result.remaining.push(b.relativePath);
      continue;
    }
    const manifest = b.manifest!; // pendingUploads lists only backups with a manifest
    const fields = { container: manifest.container, target: targetName(manifest), schedule: manifest.schedule };
    try {
      result.uploaded.push(await store(b, manifest, fields));
    } catch (err) {
      const error = { code: errorCode(err), message: errorMessage(err) };
      result.failed.push({ relativePath: b.relativePath, error });
      result.remaining.push(b.relativePath);
      stopped = (err as { retryable?: boolean }).retryable === true;
      continue;
    }
    if (o.cleanupAfterUpload) {
      await removeStaged(b.file).catch((err: unknown) =>
        o.logger.warn('staged copy not removed after upload', { ...fields, path: b.relativePath, error: { code: errorCode(err), message: errorMessage(err) } }),
      );
    }
  }
  return result;
}

function oldestFirst(a: StagedBackup, b: StagedBackup): number {
  const ta = a.manifest?.timestamp ?? '';
  const tb = b.manifest?.timestamp ?? '';
  return ta === tb ? (a.relativePath < b.relativePath ? -1 : 1) : ta < tb ? -1 : 1;
}
