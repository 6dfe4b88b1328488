export { ProcessFailedError, ProcessSpawnError, ProcessTimeoutError, ProcessAbortedError } from './errors.js';
export { membersOf, signalGroup } from './process-group.js';
export { killAll, liveGroups } from './registry.js';
export { spawnProcess, type ChildProcessHandle } from './spawn-process.js';
export { processDuplex } from './process-duplex.js';
export { runProcess } from './run-process.js';
export { acquireFileLock, withFileLock, describeHolder, LockHeldError, LockUnavailableError, type FileLock } from './file-lock.js';
