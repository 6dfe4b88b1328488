export { stage } from './stage.js';
export { NAME_AHEAD_MAX_MS } from './stage-job.js';
export { listStaged, type StagedFilter } from './list-staged.js';
export { sweepPartials } from './sweep-partials.js';
export { compactTimestamp } from './timestamp.js';
export { safeSegment, targetPath, remotePath, isDataFile, MANIFEST_SUFFIX, SHA256_SUFFIX } from './layout.js';
export { backupFiles, parseManifest, readManifest, triggerOf } from './manifest.js';
export { isDiskFull, StageDiskFullError, StageInputError, StageNameTakenError, StageWriteError } from './errors.js';
export {
  groupManifestPath,
  groupManifestUploaded,
  listGroupManifests,
  markGroupManifestUploaded,
  parseGroupManifest,
  pruneStagedGroupSets,
  readGroupManifest,
  serializeGroupManifest,
  writeGroupManifest,
  GROUPS_DIR,
  type GroupManifest,
} from './group-manifest.js';
