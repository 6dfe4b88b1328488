export * from './errors.js';
export { createRcloneRemote, type RcloneRemote, type RcloneRemoteOptions, type AdoptedBackup } from './rclone-remote.js';
export type { UploadOptions, UploadReport } from './rclone-upload.js';
export type { RemoteBackup } from './rclone-list.js';
export type { UploadProgress } from './rclone-log.js';
export { parseRcloneLogLine } from './rclone-log.js';
export { displayRemote, joinRemote, credentialParams } from './remote-string.js';
export { stagedBackups, pendingUploads, removeStaged, type StagedBackup } from './staging.js';
export { readUploadMarker, writeUploadMarker, markerPath, type UploadMarker } from './upload-marker.js';
export { sha256File, parseSha256Line, readSha256File } from './sha256.js';
export { uploadPending, type UploadPendingOptions, type UploadPendingResult } from './upload-pending.js';
export { createResticRepository, type ResticRepository } from './restic/restic-repository.js';
export type { ResticRepositoryOptions } from './restic/restic-exec.js';
export type { BackupStdinOptions, ResticBackupReport } from './restic/restic-backup.js';
export type { ResticSnapshot } from './restic/restic-snapshots.js';
export type { UnlockReport } from './restic/restic-locks.js';
export { displayRepository, snapshotTags, type SnapshotGroup } from './restic/restic-policy.js';
export { upload, type UploadDeps, type UploadOptions as UploadOperatorOptions, type UploadedJob } from './upload-operator.js';
export {
  backendFromConfig, rcloneBackend, resticBackend, resticRepositoryFromConfig, resticRetentionSide, resticTags,
  type BackupRef, type RetentionFacts, type FilesSide, type ForgetRequest, type RestoreSource, type StoreReport, type StoreRequest, type UploadBackend,
} from './backend.js';
export { openResticRepository, queuedRepository } from './restic/restic-queue.js';
export { manifestTag, manifestFromTags, MANIFEST_TAG_PREFIX } from './restic/manifest-tag.js';
