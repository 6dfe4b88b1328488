export { dump } from './operator.js';
export { startDump, type DumpDeps } from './start-dump.js';
export { dryRunPlan, restorePlan, type DumpPlan } from './plan.js';
export { ContainerHolds, type HoldOptions, type HoldsDeps, type Release, type HeldContainer, type HeldStatus, type StartEvent } from './holds.js';
export { runGroup, type GroupRunDeps, type GroupRunMember, type GroupRunResult } from './group-run.js';
export { holdGroup, waitReady as waitMemberReady, type GroupHoldDeps, type GroupHoldMember, type GroupHoldOptions, type HeldGroup, type MemberStart } from './group-hold.js';
export { ContainerGate, type GateMode } from './gate.js';
export { longTimeout, MAX_TIMER_MS, type LongTimeout } from './long-timeout.js';
export { replayJournal, startOrder, type ReplayDeps, type ReplayReport } from './replay-journal.js';
export { StopJournal, type GroupPlace, type JournalEntry } from './journal.js';
export { resolveCredential, MAX_CREDENTIAL_BYTES, type ResolveOptions } from './credentials.js';
export { excludeMatcher, relativeToRoot, type ExcludeMatcher } from './exclude.js';
export { filterTar, type FilterStats } from './filter-tar.js';
export { openFile, readSmallFile, writeFile, statFollow, type FileSource } from './archive-file.js';
export { toDumpError } from './guard.js';
export * from './errors.js';
export {
  ENGINES,
  COLD_CAPABLE,
  pgConnection,
  pgDumpallArgv,
  pgDumpArgv,
  pgRolesArgv,
  pgRestoreArgv,
  pgRestoreDatabase,
  pgRestoreScript,
  pgTerminateArgv,
  mysqlDumpArgv,
  mysqlRestoreArgv,
  mysqlClients,
  mongodumpArgv,
  mongorestoreArgv,
  redisCli,
  sqliteBackupArgv,
  sqliteRestoreSidecars,
  type Engine,
  type EngineContext,
  type EngineOutput,
  type PlanStep,
  type RestorePlan,
  type RestoreOptions,
} from './engines/index.js';
export { parseInfo, parseConfigGet, saveState, saveFinished, type SaveState } from './engines/redis-info.js';
export { retar, type EntryDecision } from './retar.js';
export { postExecEnv, postExecHooks, type PostExecDeps, type PostExecHooks, type PostExecOutcome } from './post-exec.js';
export * from './checks/index.js';
export { SQLITE_HOST_COUNT_LIMIT } from './checks/sqlite-tap.js';
