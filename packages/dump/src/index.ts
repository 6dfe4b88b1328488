export { dump } from './operator.js';
export { startDump, type DumpDeps } from './start-dump.js';
export { dryRunPlan, restorePlan } from './plan.js';
export { ContainerHolds, type Release, type HeldContainer, type StartEvent } from './holds.js';
export { runGroup, type GroupRunMember, type GroupRunResult } from './group-run.js';
export { waitReady as waitMemberReady, type MemberStart } from './group-hold.js';
export { replayJournal } from './replay-journal.js';
export { StopJournal } from './journal.js';
export { resolveCredential } from './credentials.js';
export { openFile, writeFile } from './archive-file.js';
export {
  DumpFailedError,
  PreExecFailedError,
  DumpTimeoutError,
  CredentialError,
  SourceMissingError,
  ToolMissingError,
  SnapshotFailedError,
  RestartFailedError,
  StopFailedError,
  JournalError,
} from './errors.js';
export {
  COLD_CAPABLE,
  pgConnection,
  pgRestoreArgv,
  pgRestoreScript,
  pgTerminateArgv,
  mysqlRestoreArgv,
  mysqlClients,
  mongorestoreArgv,
  redisCli,
  sqliteRestoreSidecars,
} from './engines/index.js';
export { parseConfigGet } from './engines/redis-info.js';
export { retar } from './retar.js';
export { postExecHooks, type PostExecHooks } from './post-exec.js';
export { pgDatabases, pgRowCounts, mysqlRowCounts, redisKeyspace, sqliteFileChecks, countTar, mongoCounts, type CheckRun } from './checks/index.js';
