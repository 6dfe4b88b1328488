// Codes that belong to no one stage: the fallback, the controller's own, configuration and labels.
import { defineError, type BaqupErrorOptions } from './base.js';

export class InternalError extends defineError('InternalError', {
  code: 'BAQUP_INTERNAL',
  retryable: false,
  when: 'something failed that carries no code of its own (a bug, or an error from a library); logs and results use it for any such error.',
}) {}

export class ConfigError extends defineError('ConfigError', {
  code: 'BAQUP_CONFIG_INVALID',
  retryable: false,
  when: 'the controller config file is missing, unreadable, not YAML, or fails its schema; the controller does not start.',
}) {
  constructor(message: string, readonly problems: string[] = []) {
    super(message);
  }
}

export class LabelInvalidError extends defineError('LabelInvalidError', {
  code: 'BAQUP_LABEL_INVALID',
  retryable: false,
  when: "a container's `backup.*` labels cannot be used as written (unknown key, bad value, undefined schedule); the target is not run.",
}) {}

export class ControllerHaltedError extends defineError('ControllerHaltedError', {
  code: 'BAQUP_CONTROLLER_HALTED',
  retryable: true,
  when: 'a job is refused because the controller has halted new jobs (the staging disk is full) until someone frees space.',
}) {}

export class JournalReplayError extends defineError('JournalReplayError', {
  code: 'BAQUP_JOURNAL_REPLAY',
  retryable: true,
  when: 'replaying the stop journal at start-up fails (a container baqup stopped could not be started again); the next start retries.',
}) {}

export class StalenessCheckError extends defineError('StalenessCheckError', {
  code: 'BAQUP_STALENESS_CHECK',
  retryable: true,
  when: 'the periodic check for targets without a recent backup fails; it runs again at the next interval.',
}) {}

export class ApiHandlerError extends defineError('ApiHandlerError', {
  code: 'BAQUP_API_HANDLER',
  retryable: false,
  when: 'an HTTP API handler fails unexpectedly; the request is answered 500 and the controller carries on.',
}) {
  constructor(message: string, options: BaqupErrorOptions = {}) {
    super(message, options);
  }
}

export class CliUsageError extends defineError('CliUsageError', {
  code: 'BAQUP_CLI_USAGE',
  retryable: false,
  when: 'a `baqup` command is given arguments it cannot use (an unknown option or command, a missing argument or file); the CLI exits 2.',
}) {}
