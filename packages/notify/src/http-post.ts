// One POST with timeouts and retries. got does not retry POST by default: notifications are idempotent enough
// (a duplicate alert beats a lost one), so POST is allowed here explicitly.
import got, { HTTPError, RequestError } from 'got';
import { NotifyDeliveryError } from './errors.js';

export interface HttpPolicy {
  /** Per-attempt timeout for the whole request. */
  timeoutMs: number;
  /** Retries after the first attempt. */
  retryLimit: number;
  /** First retry delay; doubles each time up to `retryMaxDelayMs`. */
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
}

export const DEFAULT_HTTP_POLICY: HttpPolicy = { timeoutMs: 10_000, retryLimit: 3, retryBaseDelayMs: 1_000, retryMaxDelayMs: 30_000 };

const RETRY_STATUS = [408, 429, 500, 502, 503, 504, 521, 522, 524];

/** Delay before retry `attempt` (1-based); pure so the backoff shape is testable. */
export function retryDelay(attempt: number, policy: HttpPolicy, retryAfterMs?: number): number {
  const backoff = policy.retryBaseDelayMs * 2 ** (attempt - 1);
  return Math.max(1, Math.min(retryAfterMs ?? backoff, policy.retryMaxDelayMs));
}

export interface PostRequest {
  /** POST unless said (Uptime Kuma's push is a GET). */
  method?: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** POSTs and resolves on a 2xx; rejects with a NotifyDeliveryError (message free of URL credentials) otherwise. */
export async function post(request: PostRequest, policy: HttpPolicy, label: string): Promise<void> {
  let attempts = 0;
  try {
    await got(request.url, {
      method: request.method ?? 'POST',
      headers: request.headers,
      ...(request.method === 'GET' ? {} : { body: request.body }),
      timeout: { request: policy.timeoutMs },
      retry: {
        limit: policy.retryLimit,
        methods: ['POST', 'GET'],
        statusCodes: RETRY_STATUS,
        // got computes 0 when its rules (limit, method, status, error code) say "do not retry"; keep that, own the delay.
        calculateDelay: ({ attemptCount, computedValue, retryAfter }) =>
          computedValue === 0 ? 0 : retryDelay(attemptCount, policy, retryAfter),
      },
      hooks: {
        beforeRequest: [
          () => {
            attempts += 1;
          },
        ],
      },
      followRedirect: false,
    });
  } catch (err) {
    const status = err instanceof HTTPError ? err.response.statusCode : undefined;
    const code = err instanceof RequestError ? err.code : undefined;
    // got's messages name the full URL (topic, query); the channel's label is the only name a log line may carry.
    const url = new URL(request.url);
    const reason =
      err instanceof HTTPError
        ? `HTTP ${err.response.statusCode}${err.response.statusMessage ? ` (${err.response.statusMessage})` : ''}`
        : (err instanceof Error ? err.message : String(err)).split(request.url).join(label).split(`${url.origin}${url.pathname}`).join(label);
    const detail = code && !reason.includes(code) && !(err instanceof HTTPError) ? `${code}: ${reason}` : reason;
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    throw new NotifyDeliveryError(`${request.method ?? 'POST'} to ${label} failed after ${tries}: ${detail}`, status, { cause: err });
  }
}
