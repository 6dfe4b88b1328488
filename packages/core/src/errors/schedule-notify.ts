// The scheduler's and the notifier's codes.
import { defineError, type BaqupErrorOptions } from './base.js';

export class CronInvalidError extends defineError('CronInvalidError', {
  code: 'BAQUP_SCHEDULE_CRON_INVALID',
  retryable: false,
  when: 'a cron expression is not one baqup accepts (see docs/adr/0002-cron-dialect.md).',
}) {
  constructor(readonly expression: string, reason: string) {
    super(`invalid cron expression "${expression}": ${reason}`);
  }
}

export class ScheduleUnknownError extends defineError('ScheduleUnknownError', {
  code: 'BAQUP_SCHEDULE_UNKNOWN',
  retryable: false,
  when: 'a target names a schedule that neither its labels nor the controller config define.',
}) {}

export class TimezoneInvalidError extends defineError('TimezoneInvalidError', {
  code: 'BAQUP_SCHEDULE_TZ_INVALID',
  retryable: false,
  when: 'the configured (or `TZ`) time zone is not an IANA zone the runtime knows.',
}) {
  constructor(readonly timezone: string) {
    super(`unknown time zone "${timezone}" (expected an IANA name such as Europe/Berlin or UTC)`);
  }
}

export class NotifyUrlError extends defineError('NotifyUrlError', {
  code: 'BAQUP_NOTIFY_URL_INVALID',
  retryable: false,
  when: 'a notification URL or webhook entry cannot be used at start-up (bad scheme, no topic, not a URL).',
}) {}

export class NotifyDeliveryError extends defineError('NotifyDeliveryError', {
  code: 'BAQUP_NOTIFY_FAILED',
  retryable: true,
  when: 'a notification could not be delivered after its retries (logged, never thrown to callers).',
}) {
  constructor(message: string, readonly status?: number, options: BaqupErrorOptions = {}) {
    super(message, options);
  }
}
