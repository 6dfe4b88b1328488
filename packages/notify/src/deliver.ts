// Builds the HTTP request a channel needs for one message: ntfy (text body, headers) or a JSON webhook.
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
  /** Dashboard URL opened when the ntfy notification is tapped. */
  clickUrl?: string;
  /** `source` of the webhook body and the title prefix. */
  source: string;
}

/** The ntfy publish request: POST to the topic URL, body = message text, metadata in headers. */
export function ntfyRequest(channel: Channel, message: Message, options: DeliverOptions): PostRequest {
  const headers: Record<string, string> = {
    'Content-Type': 'text/plain; charset=utf-8',
    Title: headerValue(message.title),
    Priority: String(message.priority),
    Tags: message.tags.join(','),
    ...revealHeaders(channel),
  };
  if (options.clickUrl) headers.Click = options.clickUrl;
  return { url: channel.url, headers, body: message.body };
}

/** The webhook request: one JSON document per message; single-target messages also carry the target at top level. */
export function webhookRequest(channel: Channel, message: Message, options: DeliverOptions): PostRequest {
  const items = message.items.map((item) => ({
    event: item.event,
    status: item.event === 'job.failed' || item.event === 'target.stale' ? 'failed' : 'ok',
    container: item.container,
    target: item.target,
    schedule: item.schedule,
    error: item.error,
    reason: item.reason,
    time: new Date(item.at).toISOString(),
    since: item.since === undefined ? undefined : new Date(item.since).toISOString(),
  }));
  const only = items.length === 1 ? items[0] : undefined;
  const document = {
    source: options.source,
    kind: message.kind,
    ...(only ?? { status: message.kind === 'ok' ? 'ok' : 'failed' }),
    title: message.title,
    message: message.body,
    time: new Date(message.time).toISOString(),
    count: items.length,
    items,
    ...(options.clickUrl ? { url: options.clickUrl } : {}),
  };
  return {
    url: channel.url,
    headers: { 'Content-Type': 'application/json', ...revealHeaders(channel) },
    body: JSON.stringify(document),
  };
}

export function buildRequest(channel: Channel, message: Message, options: DeliverOptions): PostRequest {
  return channel.kind === 'ntfy' ? ntfyRequest(channel, message, options) : webhookRequest(channel, message, options);
}
