// The I/O half of notify: one timer driving the pure decider, delivery per channel kind, and a promise that never
// rejects. Channels come from the config (global) and from containers' `backup.notify_*` labels (routed per container).
import { InternalError, NotifyDeliveryError, redact as redactSecrets, silentLogger, type BackupResult, type ContainerNotify, type Logger, type Secret } from '@baqup/core';
import { parseChannel, type Channel, type ChannelOptions, type ChannelSpec, type WebhookSpec } from './channel.js';
import { composeMessages, type ChannelRoles, type Message } from './compose.js';
import { due, flushPending, forgetTarget, initialDecisionState, nextDueAt, observe, type Batch, type NotifyItem, type NotifyPolicy } from './decide.js';
import { buildRequests } from './deliver.js';
import { fromBackupResult, isBackupResult, type NotifyEvent } from './events.js';
import { DEFAULT_HTTP_POLICY, post, type HttpPolicy } from './http-post.js';
import { sendEmail } from './send-email.js';

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

/** One message to one channel: which, what kind, for which targets, and whether it arrived. */
export interface Delivery {
  /** The channel's display name (no secrets). */
  channel: string;
  kind: string;
  /** Target keys (`container/type-instance`) the message was about. */
  targets: string[];
  delivered: boolean;
  /** Why it was not delivered (redacted). */
  error?: string;
}

export interface Notifier {
  /** Records a result or target event; resolves once the message it caused was delivered or given up. Never rejects. */
  notify(event: NotifyEvent | BackupResult): Promise<void>;
  /** Sends what is held now, ignoring the burst window; resolves when delivered or given up. */
  flush(): Promise<void>;
  /** Flushes, then stops the timer; later events are ignored. */
  close(): Promise<void>;
  /** Forgets a target that no longer exists, so digests stop listing it. */
  forget(target: string): void;
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

interface RoutedChannel {
  channel: Channel;
  /** What the config's lists ask of it (for containers that keep the global channels). */
  roles: ChannelRoles;
}

const DAY_MS = 86_400_000;
const MAX_TIMER_MS = 2_147_483_647;
const NO_ROLES: ChannelRoles = { failures: false, successes: false };
const keyOf = (spec: ChannelSpec) => (typeof spec === 'string' ? spec.trim() : JSON.stringify(spec));
const isFailureItem = (item: NotifyItem) => item.event !== 'job.succeeded';

function route(options: NotifierOptions): Map<string, RoutedChannel> {
  const failures = options.onFailure || [];
  const successes = options.onSuccess === true ? failures : options.onSuccess || [];
  const webhookList = options.webhook === undefined ? [] : Array.isArray(options.webhook) ? options.webhook : [options.webhook];
  const webhooks: WebhookSpec[] = webhookList.map((spec) => (typeof spec === 'string' ? { url: spec } : spec));
  const byKey = new Map<string, RoutedChannel>();
  const add = (spec: ChannelSpec, roles: ChannelRoles) => {
    // The same URL in on_failure and on_success is one channel with both roles, so it never gets a message twice.
    const key = keyOf(spec);
    const existing = byKey.get(key);
    if (existing) {
      existing.roles = { failures: existing.roles.failures || roles.failures, successes: existing.roles.successes || roles.successes };
    } else {
      byKey.set(key, { channel: parseChannel(spec, options.channelOptions), roles });
    }
  };
  for (const spec of failures) add(spec, { failures: true, successes: false });
  for (const spec of successes) add(spec, { failures: false, successes: true });
  for (const spec of webhooks) add(spec, { failures: true, successes: true });
  return byKey;
}

/** Builds the notifier; throws NotifyUrlError at once when a configured URL is unusable. */
export function createNotifier(options: NotifierOptions): Notifier {
  const routed = route(options);
  const configSecrets = [...routed.values()].flatMap((r) => r.channel.secrets);
  /** The `backup.notify_*` labels last seen per container. */
  const routes = new Map<string, ContainerNotify>();
  const logger = options.logger ?? silentLogger;
  const clock = options.now ?? Date.now;
  const source = options.source ?? 'baqup';
  const redact = options.redact ?? ((text: string) => text);
  const http: HttpPolicy = { ...DEFAULT_HTTP_POLICY, ...options.http };
  const policy: NotifyPolicy = {
    failures: [...routed.values()].some((r) => r.roles.failures),
    successes: [...routed.values()].some((r) => r.roles.successes),
    windowMs: options.windowMs ?? 5_000,
    maxDelayMs: options.maxDelayMs ?? 60_000,
    digestIntervalMs: options.digestIntervalMs ?? DAY_MS,
  };
  let state = initialDecisionState(clock(), policy);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let waiters: Array<() => void> = [];
  // Deliveries run one burst after another, so a recovery never overtakes the failure it answers.
  let sending: Promise<void> = Promise.resolve();

  const told = (d: Delivery) => {
    try {
      options.onDelivery?.(d);
    } catch {
      // a recorder that throws never stops a delivery
    }
  };
  const scrub = (text: string, channel: Channel) =>
    redactSecrets(redact(text), channel.secrets);

  async function deliver(channel: Channel, message: Message, kind: string = message.kind): Promise<Delivery> {
    const clean: Message = { ...message, title: redact(message.title), body: redact(message.body) };
    const deliverOptions = { source, ...(options.clickUrl ? { clickUrl: options.clickUrl } : {}) };
    try {
      if (channel.kind === 'email') await sendEmail(channel, clean, deliverOptions, http);
      else for (const request of buildRequests(channel, clean, deliverOptions)) await post(request, http, channel.displayName);
      logger.debug('notification sent', { notifier: channel.displayName, kind: message.kind, count: message.items.length });
      const ok: Delivery = { channel: channel.displayName, kind, targets: message.items.map((item) => item.target), delivered: true };
      told(ok);
      return ok;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const failed: Delivery = { channel: channel.displayName, kind, targets: message.items.map((item) => item.target), delivered: false, error: scrub(err instanceof Error ? err.message : String(err), channel) };
      told(failed);
      logger.error('notification could not be delivered', {
        event: 'notify.failed',
        notifier: channel.displayName,
        kind: message.kind,
        count: message.items.length,
        targets: message.items.slice(0, 10).map((item) => item.target),
        error: { message: scrub(err instanceof Error ? err.message : String(err), channel), code: typeof code === 'string' ? code : NotifyDeliveryError.code },
      });
      return failed;
    }
  }

  /** Adds the channels a container's labels name (parsed once; labels were validated when parsed, so this rarely fails). */
  function learnRoute(container: string, notify: ContainerNotify): void {
    routes.set(container, notify);
    for (const url of [...notify.onFailure, ...notify.onSuccess]) {
      if (routed.has(url.trim())) continue;
      try {
        const channel = parseChannel(url, options.channelOptions);
        for (const secret of channel.secrets) options.onSecret?.(secret);
        routed.set(url.trim(), { channel, roles: NO_ROLES });
      } catch (err) {
        logger.error('alert URL of a container label is unusable', { event: 'notify.failed', container, error: { message: redact(errorText(err)), code: (err as { code?: string }).code ?? InternalError.code } });
      }
    }
    if (notify.onFailure.length > 0) policy.failures = true;
    if (notify.onSuccess.length > 0) policy.successes = true;
  }

  /** Whether the channel under `key` is told about `item`: the config's lists, then the container's labels. */
  function wants(key: string, target: RoutedChannel, item: NotifyItem): boolean {
    const labels = routes.get(item.container);
    const failure = isFailureItem(item);
    if (labels?.global !== false && (failure ? target.roles.failures : target.roles.successes)) return true;
    return labels !== undefined && (failure ? labels.onFailure : labels.onSuccess).some((u) => u.trim() === key);
  }

  /** Queues delivery of `batches`; `release` resolves the notify() calls waiting on the burst just taken. */
  function send(batches: Batch[], release: boolean): Promise<void> {
    const released = release ? waiters : [];
    if (release) waiters = [];
    const time = clock();
    const all = { failures: true, successes: true };
    const jobs = batches.flatMap((batch) =>
      [...routed].flatMap(([key, target]) => {
        const items = batch.items.filter((item) => wants(key, target, item));
        if (items.length === 0) return [];
        return composeMessages({ ...batch, items }, all, source, time).map((message) => () => deliver(target.channel, message));
      }),
    );
    sending = sending.then(async () => {
      await Promise.all(jobs.map((job) => job()));
      for (const release of released) release();
    });
    return sending;
  }

  function arm(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (closed) return;
    const at = nextDueAt(state, policy);
    if (at === undefined) return;
    timer = setTimeout(tick, Math.min(Math.max(0, at - clock()), MAX_TIMER_MS));
    // Held messages must not keep a finished CLI alive; the controller calls close() on shutdown to flush them.
    timer.unref();
  }

  function tick(): void {
    timer = undefined;
    const result = due(state, clock(), policy);
    state = result.state;
    // Waiters belong to the held burst: release them only once it has been taken (a digest alone leaves it held).
    const burstTaken = state.pending.length === 0;
    if (result.batches.length > 0 || (burstTaken && waiters.length > 0)) void send(result.batches, burstTaken);
    arm();
  }

  function flush(): Promise<void> {
    const result = flushPending(state);
    state = result.state;
    const done = send(result.batches, true);
    arm();
    return done;
  }

  return {
    get channels() {
      return [...routed.values()].map((r) => r.channel.displayName);
    },
    secrets: configSecrets,
    async test() {
      const time = clock();
      const message: Message = {
        kind: 'ok',
        title: `${source}: test notification`,
        body: `A test message sent from the ${source} dashboard at ${new Date(time).toISOString()}: this channel works.`,
        priority: 3,
        tags: ['test_tube'],
        items: [],
        time,
      };
      const configured = [...routed.values()].filter((r) => r.roles !== NO_ROLES).map((r) => r.channel);
      return Promise.all(configured.map((channel) => deliver(channel, message, 'test')));
    },
    notify(event) {
      if (closed) return Promise.resolve();
      try {
        if (!isBackupResult(event) && event.kind === 'result' && event.route) learnRoute(event.container, event.route);
        if (isBackupResult(event) && event.job.container.notify) learnRoute(event.job.container.containerName, event.job.container.notify);
        if (routed.size === 0) return Promise.resolve();
        const before = state.pending;
        state = observe(state, isBackupResult(event) ? fromBackupResult(event) : event, clock(), policy);
        if (state.pending === before) return Promise.resolve();
        const delivered = new Promise<void>((resolve) => waiters.push(resolve));
        arm();
        return delivered;
      } catch (err) {
        logger.error('notification event could not be processed', {
          event: 'notify.failed',
          error: { message: redact(errorText(err)), code: InternalError.code },
        });
        return Promise.resolve();
      }
    },
    flush,
    async close() {
      await flush();
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
    forget(target) {
      state = forgetTarget(state, target);
    },
  };
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
