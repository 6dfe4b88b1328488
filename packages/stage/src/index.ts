export { stage, type StageOperatorDeps } from './stage.js';
export { stageJob, NAME_AHEAD_MAX_MS, type StageDeps } from './stage-job.js';
export { listStaged, type StagedEntry, type StagedFilter } from './list-staged.js';
export { sweepPartials, type SweepOptions } from './sweep-partials.js';
export { compactTimestamp, parseCompactTimestamp } from './timestamp.js';
export { safeSegment, targetDirectory, targetPath, remotePath, isDataFile, DATA_FILE, MANIFEST_SUFFIX, SHA256_SUFFIX } from './layout.js';
export {
  buildManifest,
  sha256Line,
  sidecarNames,
  backupFiles,
  serializeManifest,
  parseManifest,
  readManifest,
  triggerOf,
  MANIFEST_VERSION,
} from './manifest.js';
export { isDiskFull, StageDiskFullError, StageInputError, StageNameTakenError, StageWriteError } from './errors.js';
export {
  groupManifestPath,
  groupManifestProblem,
  listGroupManifests,
  parseGroupManifest,
  readGroupManifest,
  serializeGroupManifest,
  writeGroupManifest,
  GROUP_MANIFEST_SUFFIX,
  GROUP_MANIFEST_VERSION,
  GROUPS_DIR,
  type GroupManifest,
  type GroupMember,
  type GroupMemberBackup,
  type StagedGroupSet,
} from './group-manifest.js';
