export * from './errors.js';
export { groupAlive, membersOf, signalGroup, terminateGroup } from './process-group.js';
export { killAll, liveGroups, type LiveGroup } from './registry.js';
export { spawnProcess, type ChildProcessHandle, type SpawnOptions } from './spawn-process.js';
export { processDuplex, type ProcessDuplexOptions } from './process-duplex.js';
export { runProcess, type RunResult } from './run-process.js';
export { acquireFileLock, withFileLock, lockHolder, describeHolder, LockHeldError, LockUnavailableError, type FileLock, type LockOptions } from './file-lock.js';
