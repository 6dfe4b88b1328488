export { BaqupError, defineError, errorRegistry, isErrorCode } from './base.js';
export type { BaqupErrorOptions, DefinedError, ErrorSpec, RegisteredError } from './base.js';
export { errorCode, errorMessage } from './read.js';
export {
  ApiHandlerError,
  CliUsageError,
  ConfigError,
  ControllerHaltedError,
  InternalError,
  JournalReplayError,
  LabelInvalidError,
  StalenessCheckError,
} from './general.js';
export {
  DiscoveryDeriveError,
  DiscoveryInspectError,
  DiscoveryListError,
  DockerApiError,
  DockerArchiveError,
  DockerEventsEndedError,
  DockerNotFoundError,
  DockerStreamError,
  DockerUnreachableError,
  ExecFailedError,
} from './docker.js';
export { ProcessAbortedError, ProcessFailedError, ProcessSpawnError, ProcessTimeoutError } from './proc.js';
export {
  CredentialError,
  DumpFailedError,
  DumpTimeoutError,
  JournalError,
  PostExecFailedError,
  PreExecFailedError,
  RestartFailedError,
  SnapshotFailedError,
  SourceMissingError,
  StopFailedError,
  ToolMissingError,
} from './dump.js';
export {
  InvalidCompressionLevelError,
  RemoteConfigError,
  RemoteListFailedError,
  ResticFailedError,
  StageDiskFullError,
  StageInputError,
  StageNameTakenError,
  StageWriteError,
  UploadFailedError,
} from './store.js';
export {
  BackupNotFoundError,
  ChecksumMismatchError,
  FetchFailedError,
  RestoreFailedError,
  RestoreRefusedError,
  SafetyCopyFailedError,
  UnreadableBackupError,
  UnsafeArchiveError,
} from './restore.js';
export { CronInvalidError, NotifyDeliveryError, NotifyUrlError, ScheduleUnknownError, TimezoneInvalidError } from './schedule-notify.js';
export {
  ApiBadRequestError,
  ApiBadUrlError,
  ApiBodyEmptyError,
  ApiBodyInvalidJsonError,
  ApiBodyLengthError,
  ApiBodyTooLargeError,
  ApiHeadersTooLargeError,
  ApiInvalidInputError,
  ApiMalformedRequestError,
  ApiNotFoundError,
  ApiRequestTimeoutError,
  ApiUnsupportedMediaTypeError,
  ApiDisabledError,
  ApiUnauthorizedError,
  ApiNoContainerError,
  ApiNoTargetError,
  ApiNoJobError,
  ApiJobNotQueuedError,
  ApiNoJobsError,
  ApiNoHoldError,
  ApiHoldLimitError,
  ApiWaitTimeoutError,
  ApiStoppingError,
  ApiConfirmRequiredError,
  ApiRestoreDisabledError,
  ApiStreamLimitError,
} from './api.js';
export {
  ControllerLockedError,
  UnhandledRejectionError,
  FatalExceptionError,
  HoldRefusedError,
  JobAbortedError,
  LockHeldError,
  LockUnavailableError,
} from './runtime.js';
export { HistoryCorruptError, HistoryUnavailableError, HistoryWriteError } from './history.js';
export { GroupIncompleteError, GroupManifestError, GroupOrderError, GroupStartError } from './group.js';
export { DrillBusyError, DrillContainerError, DrillDisabledError, DrillFailedError, DrillNoManifestError } from './drill.js';
