// The fixed vocabulary of log/state events. Loki queries and docs/logging.md depend on these names: add, never rename.
export const LOG_EVENTS = [
  'controller.started',
  'controller.stopping',
  'config.loaded',
  'docker.connected',
  'docker.unreachable',
  'container.discovered',
  'container.updated',
  'container.removed',
  'container.invalid',
  'container.stopped',
  'container.started',
  'container.start_failed',
  'controller.halted',
  'controller.resumed',
  'job.skipped',
  'job.queued',
  'job.started',
  'job.succeeded',
  'job.failed',
  'job.cancelled',
  'group.started',
  'group.succeeded',
  'group.failed',
  'upload.started',
  'upload.progress',
  'upload.succeeded',
  'upload.failed',
  'prune.deleted',
  'prune.failed',
  'restore.started',
  'restore.finished',
  'restore.failed',
  'restore.hold_taken',
  'restore.hold_released',
  'restore.hold_expired',
  'notify.failed',
  'ping.sent',
  'ping.failed',
  'post_exec.finished',
  'post_exec.failed',
  'target.stale',
  'target.recovered',
  'restic.ready',
  'restic.unavailable',
  'restic.checked',
  'restic.check_failed',
  'restic.maintenance_off',
  'api.error',
  'api.routes',
  'controller.unhandled',
  'controller.fatal',
  'history.corrupt',
  'history.write_failed',
  'history.opened',
  'history.unavailable',
  'history.rebuilt',
  'history.adopted',
  'history.adopt_failed',
  'history.pruned',
  'drill.started',
  'drill.passed',
  'drill.failed',
  'drill.recovered',
  'drill.cleanup_failed',
  'drill.swept',
] as const;
export type LogEvent = (typeof LOG_EVENTS)[number];

/** Stable fields of a log line; ids stay in the line, only low-cardinality ones become Loki labels. */
export interface LogFields {
  event?: LogEvent;
  container?: string;
  target?: string;
  schedule?: string;
  job_id?: string;
  bytes?: number;
  duration_ms?: number;
  error?: { message: string; code: string };
  [key: string]: unknown;
}

/** The logger every package receives; the controller backs it with winston. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (e.g. `{ container, target }`); optional so test loggers stay small. */
  child?(fields: LogFields): Logger;
}

/** A logger that drops everything, for units that do not care. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** `logger.child(fields)` when the logger has it, else a wrapper that merges `fields` into every call. */
export function withFields(logger: Logger, fields: LogFields): Logger {
  if (logger.child) return logger.child(fields);
  const merge = (extra?: LogFields): LogFields => ({ ...fields, ...extra });
  return {
    debug: (msg, extra) => logger.debug(msg, merge(extra)),
    info: (msg, extra) => logger.info(msg, merge(extra)),
    warn: (msg, extra) => logger.warn(msg, merge(extra)),
    error: (msg, extra) => logger.error(msg, merge(extra)),
    child: (more) => withFields(logger, { ...fields, ...more }),
  };
}
