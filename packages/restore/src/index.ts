export {
  restore,
  locateBackup,
  rollbackCommand,
  NO_SAFETY_COPY_MEANING,
  type RestoreDeps,
  type RestoreReport,
  type RestoreRequest,
  type RestoreSummary,
  type SafetyCopy,
  type SafetyCopyReport,
} from './restore.js';
export { verifyBackups, type VerifyOptions, type VerifyResult } from './verify.js';
export { listBackups, locationOf, type BackupEntry, type Catalog, type CatalogFilter, type StagedCopy, type RemoteCopy, type ResticCopy } from './catalog.js';
export { sourcesFromBackend, sourcesFromConfig, type BackupSources } from './sources.js';
export { fetchVerified, sidesOf, type LocalCopy, type Side } from './fetch.js';
export { checkContent, checkDumpShape, openDecompressed, type ContentReport } from './content.js';
export { entryProblem, scanTar, guardTar, type EntryHeader } from './tar-safety.js';
export { splitTargetKey, targetMatches, normalizeAt, pickAt, compressionOfName } from './select.js';
export { resolveDestination, type Destination } from './destination.js';
export { LOADERS, unexpectedErrors, type Loader, type LoadContext } from './loaders/index.js';
export * from './errors.js';
export { restoreGroup, type GroupRestoreDeps, type GroupRestoreMember, type GroupRestorePlan, type GroupRestoreReport, type GroupRestoreRequest } from './restore-group.js';
