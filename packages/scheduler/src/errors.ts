import { BaqupError } from '@baqup/core';

/** Thrown when a cron expression is not one baqup accepts (see docs/adr/0002-cron-dialect.md). */
export class CronInvalidError extends BaqupError {
  constructor(readonly expression: string, reason: string) {
    super('BAQUP_SCHEDULE_CRON_INVALID', `invalid cron expression "${expression}": ${reason}`);
  }
}

/** Thrown when the configured (or `TZ`) time zone is not an IANA zone the runtime knows. */
export class TimezoneInvalidError extends BaqupError {
  constructor(readonly timezone: string) {
    super('BAQUP_SCHEDULE_TZ_INVALID', `unknown time zone "${timezone}" (expected an IANA name such as Europe/Berlin or UTC)`);
  }
}
