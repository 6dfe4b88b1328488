// The controller's own runtime: locks, shutdown, and the last-resort guard.
import { defineError } from './base.js';

export class ControllerLockedError extends defineError('ControllerLockedError', {
  code: 'BAQUP_CONTROLLER_LOCKED',
  retryable: false,
  when: 'a second controller is started on a data directory another one holds; it exits at once naming the holder.',
}) {}

export class UnhandledRejectionError extends defineError('UnhandledRejectionError', {
  code: 'BAQUP_UNHANDLED_REJECTION',
  retryable: false,
  when: 'a promise rejects with nobody to handle it (a bug); it is logged and the controller goes on.',
}) {}

export class FatalExceptionError extends defineError('FatalExceptionError', {
  code: 'BAQUP_FATAL_EXCEPTION',
  retryable: false,
  when: 'an exception escapes every handler (a bug); held containers are started, then the controller exits non-zero.',
}) {}

export class HoldRefusedError extends defineError('HoldRefusedError', {
  code: 'BAQUP_DUMP_HOLD_REFUSED',
  retryable: true,
  when: 'a job would stop a container while the controller is shutting down or the container is down after a failed start.',
}) {}

export class JobAbortedError extends defineError('JobAbortedError', {
  code: 'BAQUP_JOB_ABORTED',
  retryable: true,
  when: 'a running job is aborted (shutdown past its budget) so the container it holds can be started again.',
}) {}

export class LockHeldError extends defineError('LockHeldError', {
  code: 'BAQUP_LOCK_HELD',
  retryable: true,
  when: 'a lock file (data directory, journal) is held by another live process.',
}) {}

export class LockUnavailableError extends defineError('LockUnavailableError', {
  code: 'BAQUP_LOCK_UNAVAILABLE',
  retryable: false,
  when: 'a lock file cannot be taken at all (flock missing or failing, unwritable directory).',
}) {}
