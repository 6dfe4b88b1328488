// Builds the HTTP requests a channel needs for one message, each in the form its service's API documents:
// ntfy (text body, metadata headers), Gotify POST /message, Discord webhook embeds, Telegram sendMessage,
// Slack and Mattermost incoming webhooks, Apprise API POST /notify/{key}, and baqup's own JSON webhook document.
import type { Channel } from './channel.js';
import type { Message } from './compose.js';
import type { PostRequest } from './http-post.js';

/** Header values must be Latin-1; ntfy decodes RFC 2047 (`=?UTF-8?B?…?=`) for anything else. */
export function headerValue(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

function revealHeaders(channel: Channel): Record<string, string> {
  return Object.fromEntries(Object.entries(channel.headers).map(([name, value]) => [name, value.reveal()]));
}

export interface DeliverOptions {
  /** The link every message carries (config `click_url`): ntfy's Click, a line in text bodies, `url` in webhooks. */
  clickUrl?: string;
  /** `source` of the webhook body and the title prefix. */
  source: string;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const withLink = (body: string, options: DeliverOptions) => (options.clickUrl ? `${body}\n\n${options.clickUrl}` : body);
const json = (channel: Channel, document: unknown): PostRequest => ({
  url: channel.url.reveal(),
  headers: { 'Content-Type': 'application/json', ...revealHeaders(channel) },
  body: JSON.stringify(document),
});

/** The ntfy publish request: POST to the topic URL, body = message text, metadata in headers; the URL's own parameters win. */
export function ntfyRequest(channel: Channel, message: Message, options: DeliverOptions): PostRequest {
  const p = channel.params;
  const headers: Record<string, string> = {
    'Content-Type': 'text/plain; charset=utf-8',
    Title: headerValue(p.title ?? message.title),
    Priority: p.priority ?? String(message.priority),
    Tags: headerValue(p.tags ?? message.tags.join(',')),
    ...revealHeaders(channel),
  };
  const click = p.click ?? options.clickUrl;
  if (click) headers.Click = click;
  if (p.icon) headers.Icon = p.icon;
  return { url: channel.url.reveal(), headers, body: message.body };
}

/** baqup's webhook document: one JSON object per message; single-target messages also carry the target at top level. */
export function webhookRequest(channel: Channel, message: Message, options: DeliverOptions): PostRequest {
  const items = message.items.map((item) => ({
    event: item.event,
    status: item.event === 'job.failed' || item.event === 'target.stale' || item.event === 'container.start_failed' ? 'failed' : 'ok',
    container: item.container,
    target: item.target,
    schedule: item.schedule,
    error: item.error,
    reason: item.reason,
    bytes: item.bytes,
    duration_ms: item.durationSeconds === undefined ? undefined : Math.round(item.durationSeconds * 1000),
    time: new Date(item.at).toISOString(),
    since: item.since === undefined ? undefined : new Date(item.since).toISOString(),
  }));
  const only = items.length === 1 ? items[0] : undefined;
  return json(channel, {
    source: options.source,
    kind: message.kind,
    ...(only ?? { status: message.kind === 'ok' ? 'ok' : 'failed' }),
    title: message.title,
    message: message.body,
    time: new Date(message.time).toISOString(),
    count: items.length,
    items,
    ...(options.clickUrl ? { url: options.clickUrl } : {}),
  });
}

/** Gotify POST /message (token in X-Gotify-Key); priority 8 for problems, 4 for good news, unless the URL says. */
function gotifyRequest(channel: Channel, message: Message, options: DeliverOptions): PostRequest {
  const priority = channel.params.priority !== undefined ? Number(channel.params.priority) : message.kind === 'ok' ? 4 : 8;
  return json(channel, {
    title: channel.params.title ?? message.title,
    message: message.body,
    priority,
    ...(options.clickUrl ? { extras: { 'client::notification': { click: { url: options.clickUrl } } } } : {}),
  });
}

const COLORS = { failure: 0xd93f0b, digest: 0xfbca04, ok: 0x2ea043 } as const;

/** Discord execute-webhook: one embed (title ≤ 256, description ≤ 4096), coloured by outcome. */
function discordRequest(channel: Channel, message: Message, options: DeliverOptions): PostRequest {
  return json(channel, {
    username: channel.params.username ?? options.source,
    ...(channel.params.avatar ? { avatar_url: channel.params.avatar } : {}),
    embeds: [
      {
        title: clip(message.title, 256),
        description: clip(message.body, 4096),
        color: COLORS[message.kind],
        timestamp: new Date(message.time).toISOString(),
        ...(options.clickUrl ? { url: options.clickUrl } : {}),
      },
    ],
  });
}

/** Telegram sendMessage, once per chat; plain text unless the URL asked for a parse mode. */
function telegramRequests(channel: Channel, message: Message, options: DeliverOptions): PostRequest[] {
  const p = channel.params;
  const text = clip(`${p.title ?? message.title}\n\n${withLink(message.body, options)}`, 4096);
  return (p.chats ?? '').split(',').map((chat) =>
    json(channel, { chat_id: chat, text, ...(p.silent ? { disable_notification: true } : {}), ...(p.parse_mode ? { parse_mode: p.parse_mode } : {}) }),
  );
}

function chatRequest(channel: Channel, message: Message, options: DeliverOptions, heading: (title: string) => string): PostRequest {
  const p = channel.params;
  const icon = p.icon ? (/^https?:\/\//.test(p.icon) ? { icon_url: p.icon } : { icon_emoji: p.icon }) : {};
  return json(channel, {
    text: `${heading(message.title)}\n${withLink(message.body, options)}`,
    ...(p.channel ? { channel: p.channel } : {}),
    ...(p.username ? { username: p.username } : {}),
    ...icon,
  });
}

/** Apprise API POST /notify/{key}: its saved config fans out; `type` maps our outcome, `tag` picks URLs in it. */
function appriseRequest(channel: Channel, message: Message, options: DeliverOptions): PostRequest {
  const type = message.kind === 'ok' ? 'success' : message.kind === 'digest' ? 'warning' : 'failure';
  return json(channel, { title: message.title, body: withLink(message.body, options), type, format: 'text', ...(channel.params.tags ? { tag: channel.params.tags } : {}) });
}

/** Every request one message needs on an HTTP channel (several for Telegram with several chats). */
export function buildRequests(channel: Channel, message: Message, options: DeliverOptions): PostRequest[] {
  switch (channel.kind) {
    case 'ntfy':
      return [ntfyRequest(channel, message, options)];
    case 'gotify':
      return [gotifyRequest(channel, message, options)];
    case 'discord':
      return [discordRequest(channel, message, options)];
    case 'telegram':
      return telegramRequests(channel, message, options);
    case 'slack':
      return [chatRequest(channel, message, options, (t) => `*${t}*`)];
    case 'mattermost':
      return [chatRequest(channel, message, options, (t) => `#### ${t}`)];
    case 'apprise':
      return [appriseRequest(channel, message, options)];
    case 'webhook':
      return [webhookRequest(channel, message, options)];
    case 'email':
      return [];
  }
}
