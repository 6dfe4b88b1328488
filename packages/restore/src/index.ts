export {
  restore,
  locateBackup,
  NO_SAFETY_COPY_MEANING,
  type NewContainerRequest,
  type RestoreDeps,
  type RestoreReport,
  type RestoreSummary,
  type SafetyCopy,
} from './restore.js';
export { verifyBackups, type VerifyResult } from './verify.js';
export { listBackups, locationOf, type BackupEntry } from './catalog.js';
export { sourcesFromBackend, sourcesFromConfig, type BackupSources } from './sources.js';
export { fetchVerified } from './fetch.js';
export { checkContent, openDecompressed } from './content.js';
export { resolveDestination } from './destination.js';
export { LOADERS } from './loaders/index.js';
export {
  BackupNotFoundError,
  ChecksumMismatchError,
  UnreadableBackupError,
  UnsafeArchiveError,
  RestoreRefusedError,
  RestoreFailedError,
  FetchFailedError,
  SafetyCopyFailedError,
} from './errors.js';
export { restoreGroup, type GroupRestorePlan, type GroupRestoreReport } from './restore-group.js';
