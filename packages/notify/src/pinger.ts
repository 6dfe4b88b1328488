// Dead-man's-switch pings: Healthchecks.io gets `/start` when a job starts and success or `/fail` (the error as the
// body) when it ends; an Uptime Kuma push monitor gets `status=up|down&msg=…&ping=<ms>` at the end. Global URLs
// (config `notifications.ping`) hear of every job, a target's `ping` label of its own. A silent baqup then shows
// up outside as a missed ping. Never throws; failures are logged.
import { createHash } from 'node:crypto';
import { errorCode, errorMessage, NotifyDeliveryError, parsePing, silentLogger, targetKey, type BackupJob, type BackupResult, type Logger, type PingTarget, type Secret } from '@baqup/core';
import { formatBytes, formatDuration } from './compose.js';
import { DEFAULT_HTTP_POLICY, post, type HttpPolicy } from './http-post.js';

export interface PingerOptions {
  /** `notifications.ping`: pinged for every job. */
  global?: string[];
  logger?: Logger;
  http?: Partial<HttpPolicy>;
  /** Applied to every text sent (an error message may quote a command's output). */
  redact?: (text: string) => string;
  /** Told the secrets of ping URLs that labels add later (the config's are in `secrets` at once). */
  onSecret?: (secret: Secret) => void;
}

export interface Pinger {
  /** The job started: Healthchecks `/start` (Uptime Kuma has no start signal). */
  start(job: BackupJob): Promise<void>;
  /** The job ended: success or `/fail` with the error; Kuma `up`/`down`. */
  finish(result: BackupResult): Promise<void>;
  readonly secrets: readonly Secret[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Healthchecks' `rid` must be a UUID: a job id that is not one is hashed into one (the same id, the same UUID). */
export function runId(jobId: string): string {
  if (UUID.test(jobId)) return jobId.toLowerCase();
  const h = createHash('sha256').update(jobId).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** One line saying how a job ended, for a ping body or `msg`. */
export function pingSummary(result: BackupResult): string {
  const key = targetKey(result.job.container.containerName, result.job.target);
  const took = formatDuration(result.durationSeconds * 1000);
  if (!result.success) return `${key}: ${result.error ? `${result.error.code} ${result.error.message}` : 'failed'} (after ${took})`;
  const bytes = result.bytes ?? result.manifest?.size;
  return `${key}: backup succeeded (${bytes !== undefined ? `${formatBytes(bytes)} in ` : ''}${took})`;
}

export function createPinger(options: PingerOptions): Pinger {
  const logger = options.logger ?? silentLogger;
  const http: HttpPolicy = { ...DEFAULT_HTTP_POLICY, ...options.http };
  const redact = options.redact ?? ((t: string) => t);
  const parsed = new Map<string, PingTarget | null>();
  const global = (options.global ?? []).map((url) => {
    const target = parsePing(url);
    parsed.set(url, target);
    return target;
  });

  function targetsOf(job: BackupJob): PingTarget[] {
    const own = (job.target.ping ?? []).flatMap((url) => {
      if (!parsed.has(url)) {
        try {
          const target = parsePing(url);
          for (const s of target.secrets) options.onSecret?.(s);
          parsed.set(url, target);
        } catch (err) {
          parsed.set(url, null);
          logger.error('ping URL of a target label is unusable', { event: 'ping.failed', container: job.container.containerName, error: { code: errorCode(err), message: errorMessage(err) } });
        }
      }
      const target = parsed.get(url);
      return target ? [target] : [];
    });
    return [...new Set([...global, ...own])];
  }

  async function send(target: PingTarget, job: BackupJob, what: 'start' | 'success' | 'fail', text: string, durationMs?: number): Promise<void> {
    const base = target.url.reveal();
    let request: { url: string; method: 'GET' | 'POST'; body: string };
    if (target.kind === 'healthchecks') {
      const url = new URL(what === 'success' ? base : `${base}/${what}`);
      // A run id pairs a start with its end, so concurrent jobs pinging one check still get durations right.
      url.searchParams.set('rid', runId(job.id));
      request = { url: url.toString(), method: 'POST', body: text };
    } else {
      const url = new URL(base);
      url.searchParams.set('status', what === 'fail' ? 'down' : 'up');
      url.searchParams.set('msg', text.slice(0, 250));
      url.searchParams.set('ping', durationMs === undefined ? '' : String(durationMs));
      request = { url: url.toString(), method: 'GET', body: '' };
    }
    try {
      await post({ ...request, headers: { 'Content-Type': 'text/plain; charset=utf-8' } }, http, target.displayName);
      logger.debug('ping sent', { event: 'ping.sent', pinger: target.displayName, signal: what, job_id: job.id });
    } catch (err) {
      logger.error('ping could not be delivered', {
        event: 'ping.failed',
        pinger: target.displayName,
        signal: what,
        job_id: job.id,
        error: { code: NotifyDeliveryError.code, message: redact(errorMessage(err)) },
      });
    }
  }

  return {
    secrets: global.flatMap((t) => t.secrets),
    async start(job) {
      const targets = targetsOf(job).filter((t) => t.kind === 'healthchecks');
      await Promise.all(targets.map((t) => send(t, job, 'start', '')));
    },
    async finish(result) {
      const text = redact(pingSummary(result));
      const ms = Math.round(result.durationSeconds * 1000);
      await Promise.all(targetsOf(result.job).map((t) => send(t, result.job, result.success ? 'success' : 'fail', text, ms)));
    },
  };
}
