// Which channels exist and who is told what: the config's lists (on_failure, on_success, webhook) give each channel
// its roles; a container's `backup.notify_*` labels add channels and route that container's items.
import { InternalError, type ContainerNotify, type Logger, type Secret } from '@baqup/core';
import { parseChannel, type Channel, type ChannelOptions, type ChannelSpec, type WebhookSpec } from './channel.js';
import type { ChannelRoles } from './compose.js';
import type { NotifyItem } from './decide.js';

export interface RouteOptions {
  onFailure?: ChannelSpec[] | false;
  onSuccess?: ChannelSpec[] | boolean;
  webhook?: string | WebhookSpec | Array<string | WebhookSpec>;
  channelOptions?: ChannelOptions;
  onSecret?: (secret: Secret) => void;
}

interface RoutedChannel {
  channel: Channel;
  /** What the config's lists ask of it (for containers that keep the global channels). */
  roles: ChannelRoles;
}

const NO_ROLES: ChannelRoles = { failures: false, successes: false };
const keyOf = (spec: ChannelSpec) => (typeof spec === 'string' ? spec.trim() : JSON.stringify(spec));
const isFailureItem = (item: NotifyItem) => item.event !== 'job.succeeded';
const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

function configChannels(options: RouteOptions): Map<string, RoutedChannel> {
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

export class ChannelRoutes {
  readonly #byKey: Map<string, RoutedChannel>;
  /** The `backup.notify_*` labels last seen per container. */
  readonly #labels = new Map<string, ContainerNotify>();
  readonly #options: RouteOptions;
  /** Secrets found in the config's channel URLs and headers. */
  readonly configSecrets: readonly Secret[];

  /** Throws NotifyUrlError at once when a configured URL is unusable. */
  constructor(options: RouteOptions) {
    this.#options = options;
    this.#byKey = configChannels(options);
    this.configSecrets = [...this.#byKey.values()].flatMap((r) => r.channel.secrets);
  }

  get size(): number {
    return this.#byKey.size;
  }

  get displayNames(): string[] {
    return [...this.#byKey.values()].map((r) => r.channel.displayName);
  }

  /** Whether any channel of the config is told about failures / successes. */
  get roles(): ChannelRoles {
    const all = [...this.#byKey.values()];
    return { failures: all.some((r) => r.roles.failures), successes: all.some((r) => r.roles.successes) };
  }

  /** The channels of the config (not those only containers' labels name). */
  configured(): Channel[] {
    return [...this.#byKey.values()].filter((r) => r.roles !== NO_ROLES).map((r) => r.channel);
  }

  /**
   * Adds the channels a container's labels name (parsed once; labels were validated when parsed, so this rarely
   * fails); answers what the labels ask to be told about.
   */
  learn(container: string, notify: ContainerNotify, logger: Logger, redact: (text: string) => string): ChannelRoles {
    this.#labels.set(container, notify);
    for (const url of [...notify.onFailure, ...notify.onSuccess]) {
      if (this.#byKey.has(url.trim())) continue;
      try {
        const channel = parseChannel(url, this.#options.channelOptions);
        for (const secret of channel.secrets) this.#options.onSecret?.(secret);
        this.#byKey.set(url.trim(), { channel, roles: NO_ROLES });
      } catch (err) {
        logger.error('alert URL of a container label is unusable', { event: 'notify.failed', container, error: { message: redact(errorText(err)), code: (err as { code?: string }).code ?? InternalError.code } });
      }
    }
    return { failures: notify.onFailure.length > 0, successes: notify.onSuccess.length > 0 };
  }

  /** Each channel with the items of `items` it is told about (none: left out). */
  recipients(items: readonly NotifyItem[]): Array<{ channel: Channel; items: NotifyItem[] }> {
    return [...this.#byKey].flatMap(([key, target]) => {
      const mine = items.filter((item) => this.#wants(key, target, item));
      return mine.length === 0 ? [] : [{ channel: target.channel, items: mine }];
    });
  }

  /** Whether the channel under `key` is told about `item`: the config's lists, then the container's labels. */
  #wants(key: string, target: RoutedChannel, item: NotifyItem): boolean {
    const labels = this.#labels.get(item.container);
    const failure = isFailureItem(item);
    if (labels?.global !== false && (failure ? target.roles.failures : target.roles.successes)) return true;
    return labels !== undefined && (failure ? labels.onFailure : labels.onSuccess).some((u) => u.trim() === key);
  }
}
