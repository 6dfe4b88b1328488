import { BaqupError, type BaqupErrorOptions } from '@baqup/core';

/** Thrown at start-up when a notification URL or webhook entry cannot be used (bad scheme, no topic, not a URL). */
export class NotifyUrlError extends BaqupError {
  constructor(message: string) {
    super('BAQUP_NOTIFY_URL_INVALID', message);
  }
}

/** Logged (never thrown to callers) when a notification could not be delivered after its retries. */
export class NotifyDeliveryError extends BaqupError {
  constructor(message: string, readonly status?: number, options: BaqupErrorOptions = {}) {
    super('BAQUP_NOTIFY_FAILED', message, { retryable: true, ...options });
  }
}
