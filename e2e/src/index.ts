export { docker } from './client.js';
export { ensureImage, ensureImages, imageTag, IMAGE_KINDS, type ImageKind } from './images.js';
export { isRunning, startContainer, sweepStale, type StartOptions, type TestContainer } from './containers.js';
export { waitReady } from './ready.js';
export { execIn, execOk, type ExecOptions, type ExecResult } from './exec.js';
export { psql, mariadbSql, sqliteSql } from './sql.js';
export { useCleanup } from './cleanup.js';
export { runId } from './run.js';
export { quietZone } from './quiet-zone.js';
