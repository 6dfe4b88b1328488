// The I/O half of notify: one timer driving the pure decider over the held burst, delivery per channel (one burst
// after another), and promises that never reject. Channels come from the config (global) and from containers'
// `backup.notify_*` labels (routed per container: channel-routes.ts).
import { InternalError, silentLogger, type BackupResult, type ContainerNotify, type Logger, type Secret } from '@baqup/core';
import type { ChannelOptions, ChannelSpec, WebhookSpec } from './channel.js';
import { ChannelRoutes } from './channel-routes.js';
import { composeMessages, type Message } from './compose.js';
import { due, flushPending, initialDecisionState, nextDueAt, observe, type Batch, type DecisionState, type NotifyPolicy } from './decide.js';
import { messageDeliverer, type Deliver, type Delivery } from './deliver-message.js';
import { fromBackupResult, isBackupResult, type NotifyEvent } from './events.js';
import { DEFAULT_HTTP_POLICY, type HttpPolicy } from './http-post.js';

export type { Delivery } from './deliver-message.js';

export interface NotifierOptions {
  /** `notifications.on_failure`: alert URLs told about failures, stale targets, recoveries and digests. */
  onFailure?: ChannelSpec[] | false;
  /** `notifications.on_success`: URLs told about every successful backup; `true` reuses the on_failure URLs. */
  onSuccess?: ChannelSpec[] | boolean;
  /**
   * `notifications.webhook`: JSON webhooks told about everything (failures, recoveries, successes, digests). A plain
   * `https://…` string here is a webhook (not ntfy); `{url, headers}` adds headers (e.g. an API key).
   */
  webhook?: string | WebhookSpec | Array<string | WebhookSpec>;
  /** The link every message carries (ntfy Click, a line in text bodies, `url` in webhooks). */
  clickUrl?: string;
  logger?: Logger;
  /** Title prefix and webhook `source`; default `baqup`. */
  source?: string;
  /** Digest of targets still failing; default 24 h, 0 = off. */
  digestIntervalMs?: number;
  /** A burst goes out once nothing new arrived for this long; default 5 s. */
  windowMs?: number;
  /** …or this long after its first item at the latest; default 60 s. */
  maxDelayMs?: number;
  http?: Partial<HttpPolicy>;
  /** Applied to every outgoing text (e.g. the log Redactor's `redact`), so an error message cannot carry a password out. */
  redact?: (text: string) => string;
  /** Told the secrets of channels that labels add later (the config's are in `secrets` at once). */
  onSecret?: (secret: Secret) => void;
  /** Test seam: where Telegram, Discord and Slack are reached. */
  channelOptions?: ChannelOptions;
  /** Clock, for tests. */
  now?: () => number;
  /** Told about every message once it was delivered or given up (the controller records these in its history). */
  onDelivery?: (delivery: Delivery) => void;
}

export interface Notifier {
  /** Records a result or target event; resolves once the message it caused was delivered or given up. Never rejects. */
  notify(event: NotifyEvent | BackupResult): Promise<void>;
  /** Sends what is held now, ignoring the burst window; resolves when delivered or given up. */
  flush(): Promise<void>;
  /** Flushes, then stops the timer; later events are ignored. */
  close(): Promise<void>;
  /**
   * Sends one test message to each channel of the config (not those only containers' labels name), now, outside the
   * burst window; resolves with each delivery (kind `test`). Never rejects.
   */
  test(): Promise<Delivery[]>;
  /** Display names of the channels (safe to log). */
  readonly channels: readonly string[];
  /** Secrets found in the config's channel URLs and headers, to register with a log redactor. */
  readonly secrets: readonly Secret[];
}

const DAY_MS = 86_400_000;
const MAX_TIMER_MS = 2_147_483_647;
const ALL_ROLES = { failures: true, successes: true };
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The message `test()` sends. */
function testMessage(source: string, time: number): Message {
  return {
    kind: 'ok',
    title: `${source}: test notification`,
    body: `A test message sent from the ${source} dashboard at ${new Date(time).toISOString()}: this channel works.`,
    priority: 3,
    tags: ['test_tube'],
    items: [],
    time,
  };
}

/** Builds the notifier; throws NotifyUrlError at once when a configured URL is unusable. */
export function createNotifier(options: NotifierOptions): Notifier {
  return new BurstNotifier(options);
}

class BurstNotifier implements Notifier {
  readonly #routes: ChannelRoutes;
  readonly #logger: Logger;
  readonly #clock: () => number;
  readonly #source: string;
  readonly #redact: (text: string) => string;
  readonly #policy: NotifyPolicy;
  readonly #deliver: Deliver;
  #state: DecisionState;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #waiters: Array<() => void> = [];
  // Deliveries run one burst after another, so a recovery never overtakes the failure it answers.
  #sending: Promise<void> = Promise.resolve();

  constructor(options: NotifierOptions) {
    this.#routes = new ChannelRoutes(options);
    this.#logger = options.logger ?? silentLogger;
    this.#clock = options.now ?? Date.now;
    this.#source = options.source ?? 'baqup';
    this.#redact = options.redact ?? ((text: string) => text);
    this.#policy = {
      ...this.#routes.roles,
      windowMs: options.windowMs ?? 5_000,
      maxDelayMs: options.maxDelayMs ?? 60_000,
      digestIntervalMs: options.digestIntervalMs ?? DAY_MS,
    };
    this.#state = initialDecisionState(this.#clock(), this.#policy);
    const http: HttpPolicy = { ...DEFAULT_HTTP_POLICY, ...options.http };
    this.#deliver = messageDeliverer({
      source: this.#source,
      ...(options.clickUrl ? { clickUrl: options.clickUrl } : {}),
      http,
      redact: this.#redact,
      logger: this.#logger,
      ...(options.onDelivery ? { onDelivery: options.onDelivery } : {}),
    });
  }

  get channels(): readonly string[] {
    return this.#routes.displayNames;
  }

  get secrets(): readonly Secret[] {
    return this.#routes.configSecrets;
  }

  test(): Promise<Delivery[]> {
    const message = testMessage(this.#source, this.#clock());
    return Promise.all(this.#routes.configured().map((channel) => this.#deliver(channel, message, 'test')));
  }

  notify(event: NotifyEvent | BackupResult): Promise<void> {
    if (this.#closed) return Promise.resolve();
    try {
      if (!isBackupResult(event) && event.kind === 'result' && event.route) this.#learn(event.container, event.route);
      if (isBackupResult(event) && event.job.container.notify) this.#learn(event.job.container.containerName, event.job.container.notify);
      if (this.#routes.size === 0) return Promise.resolve();
      const before = this.#state.pending;
      this.#state = observe(this.#state, isBackupResult(event) ? fromBackupResult(event) : event, this.#clock(), this.#policy);
      if (this.#state.pending === before) return Promise.resolve();
      const delivered = new Promise<void>((resolve) => this.#waiters.push(resolve));
      this.#arm();
      return delivered;
    } catch (err) {
      this.#logger.error('notification event could not be processed', {
        event: 'notify.failed',
        error: { message: this.#redact(errorText(err)), code: InternalError.code },
      });
      return Promise.resolve();
    }
  }

  flush(): Promise<void> {
    const result = flushPending(this.#state);
    this.#state = result.state;
    const done = this.#send(result.batches, true);
    this.#arm();
    return done;
  }

  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #learn(container: string, notify: ContainerNotify): void {
    const asks = this.#routes.learn(container, notify, this.#logger, this.#redact);
    if (asks.failures) this.#policy.failures = true;
    if (asks.successes) this.#policy.successes = true;
  }

  /** Queues delivery of `batches`; `release` resolves the notify() calls waiting on the burst just taken. */
  #send(batches: Batch[], release: boolean): Promise<void> {
    const released = release ? this.#waiters : [];
    if (release) this.#waiters = [];
    const time = this.#clock();
    const jobs = batches.flatMap((batch) =>
      this.#routes.recipients(batch.items).flatMap(({ channel, items }) =>
        composeMessages({ ...batch, items }, ALL_ROLES, this.#source, time).map((message) => () => this.#deliver(channel, message)),
      ),
    );
    this.#sending = this.#sending.then(async () => {
      await Promise.all(jobs.map((job) => job()));
      for (const done of released) done();
    });
    return this.#sending;
  }

  #arm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#closed) return;
    const at = nextDueAt(this.#state, this.#policy);
    if (at === undefined) return;
    this.#timer = setTimeout(() => this.#tick(), Math.min(Math.max(0, at - this.#clock()), MAX_TIMER_MS));
    // Held messages must not keep a finished CLI alive; the controller calls close() on shutdown to flush them.
    this.#timer.unref();
  }

  #tick(): void {
    this.#timer = undefined;
    const result = due(this.#state, this.#clock(), this.#policy);
    this.#state = result.state;
    // Waiters belong to the held burst: release them only once it has been taken (a digest alone leaves it held).
    const burstTaken = this.#state.pending.length === 0;
    if (result.batches.length > 0 || (burstTaken && this.#waiters.length > 0)) void this.#send(result.batches, burstTaken);
    this.#arm();
  }
}
