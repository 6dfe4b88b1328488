// Gotify, Discord, Telegram, Slack, Mattermost and an Apprise API server, in the URL forms shoutrrr and Apprise document.
import { NotifyUrlError } from '../errors/index.js';
import type { Secret } from '../secret.js';
import type { Channel, ChannelOptions } from './channel.js';
import { httpUrl, isYes, maskSegment, param, pathOf, SecretBag, type UrlParts } from './url-parts.js';

const base = (options: ChannelOptions, service: 'telegram' | 'discord' | 'slack', fallback: string) => (options.apiBase?.[service] ?? fallback).replace(/\/$/, '');

function pick(parts: UrlParts, names: Record<string, string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, aliases] of Object.entries(names)) {
    const value = param(parts, key, ...aliases);
    if (value) out[key] = value;
  }
  return out;
}

/** shoutrrr `gotify://host[:port][/path]/token` (TLS unless `?disabletls=yes`); Apprise `gotifys://`. POST /message. */
export function parseGotify(parts: UrlParts): Channel {
  const segments = [...parts.segments];
  const token = segments.pop();
  if (!token) throw new NotifyUrlError('gotify URL has no application token (expected gotify://host/token)');
  const protocol = parts.scheme === 'gotify' && isYes(param(parts, 'disabletls')) ? 'http:' : 'https:';
  const url = httpUrl(protocol, parts.host, `${pathOf(segments)}/message`, 'gotify');
  const params = pick(parts, { priority: [], title: [] });
  if (params.priority !== undefined && !/^(10|[0-9])$/.test(params.priority)) {
    throw new NotifyUrlError(`gotify URL: priority "${params.priority}" is not a number 0-10`);
  }
  const bag = new SecretBag();
  const headers: Record<string, Secret> = { 'X-Gotify-Key': bag.keep(token) };
  return { kind: 'gotify', url: bag.keep(url.toString()), headers, params, displayName: `gotify ${url.protocol}//${url.host}${pathOf(segments)} (with credentials)`, secrets: bag.secrets };
}

/** shoutrrr `discord://token@id`, Apprise `discord://id/token`, or the webhook URL Discord shows. */
export function parseDiscord(parts: UrlParts, options: ChannelOptions): Channel {
  let id: string | undefined;
  let token: string | undefined;
  if (parts.scheme.startsWith('http')) [, , id, token] = parts.segments;
  else if (parts.user) [id, token] = [parts.host, parts.user];
  else [id, token] = [parts.host, parts.segments[0]];
  if (!id || !/^\d+$/.test(id) || !token) {
    throw new NotifyUrlError('discord URL must be discord://token@webhook-id (shoutrrr), discord://webhook-id/token (Apprise) or https://discord.com/api/webhooks/id/token');
  }
  const bag = new SecretBag();
  bag.keep(token);
  const url = new URL(`${base(options, 'discord', 'https://discord.com')}/api/webhooks/${id}/${encodeURIComponent(token)}`);
  const thread = param(parts, 'thread_id', 'thread');
  if (thread) url.searchParams.set('thread_id', thread);
  const params = pick(parts, { username: ['botname', 'user'], avatar: ['avatar_url', 'avatarurl'] });
  return { kind: 'discord', url: bag.keep(url.toString()), headers: {}, params, displayName: `discord webhook ${maskSegment(id)}`, secrets: bag.secrets };
}

/** shoutrrr `telegram://token@telegram?chats=…`, Apprise `tgram://token/chat/…`: one sendMessage per chat. */
export function parseTelegram(parts: UrlParts, options: ChannelOptions): Channel {
  let token: string;
  let chats: string[];
  if (parts.scheme === 'tgram') {
    token = decodeURIComponent(parts.host);
    chats = parts.segments;
  } else {
    token = parts.password ? `${parts.user}:${parts.password}` : parts.user;
    chats = (param(parts, 'chats', 'channels') ?? '').split(',').map((c) => c.trim()).filter(Boolean);
  }
  if (!/^\d+:[A-Za-z0-9_-]+$/.test(token)) {
    throw new NotifyUrlError('telegram URL has no bot token (expected telegram://123456:ABC…@telegram?chats=… or tgram://123456:ABC…/chat-id)');
  }
  if (chats.length === 0) throw new NotifyUrlError('telegram URL names no chat (add ?chats=@channel,12345 or tgram://token/chat-id)');
  const bag = new SecretBag();
  bag.keep(token);
  const url = `${base(options, 'telegram', 'https://api.telegram.org')}/bot${token}/sendMessage`;
  const params: Record<string, string> = { chats: chats.join(',') };
  const notification = param(parts, 'notification');
  if (notification !== undefined && !isYes(notification)) params.silent = 'true';
  const parseMode = param(parts, 'parsemode', 'format');
  if (parseMode && !/^none|text$/i.test(parseMode)) params.parse_mode = parseMode;
  const title = param(parts, 'title');
  if (title) params.title = title;
  const n = chats.length;
  return { kind: 'telegram', url: bag.keep(url), headers: {}, params, displayName: `telegram bot ${token.split(':')[0]} (${n} chat${n === 1 ? '' : 's'})`, secrets: bag.secrets };
}

/** shoutrrr/Apprise `slack://[bot@]A/B/C[/#channel]`, shoutrrr `slack://hook:A-B-C@webhook`, `slack+https://` (any Slack-compatible hook). */
export function parseSlack(parts: UrlParts, options: ChannelOptions): Channel {
  const bag = new SecretBag();
  let url: string;
  let channel = param(parts, 'channel') ?? (parts.fragment ? `#${parts.fragment}` : undefined);
  let username = param(parts, 'username', 'botname');
  if (parts.scheme.includes('http')) {
    url = httpUrl(parts.scheme.endsWith('http') ? 'http:' : 'https:', parts.host, pathOf(parts.segments) || '/', 'slack').toString();
  } else {
    let tokens: string[];
    if (parts.user === 'hook' && parts.password) tokens = parts.password.split('-');
    else {
      tokens = [parts.host, ...parts.segments];
      if (parts.user) username ??= parts.user;
      if (tokens.length === 4) channel ??= tokens.pop();
    }
    if (tokens.length !== 3 || tokens.some((t) => !/^[A-Za-z0-9]+$/.test(t))) {
      throw new NotifyUrlError('slack URL must be slack://TokenA/TokenB/TokenC (the three parts of https://hooks.slack.com/services/…), slack://hook:A-B-C@webhook or slack+https://host/path');
    }
    tokens.forEach((t) => bag.keep(t));
    url = `${base(options, 'slack', 'https://hooks.slack.com')}/services/${tokens.join('/')}`;
  }
  const params: Record<string, string> = {};
  if (channel) params.channel = channel.startsWith('#') || channel.startsWith('@') ? channel : `#${channel}`;
  if (username) params.username = username;
  const icon = param(parts, 'icon', 'icon_emoji', 'icon_url');
  if (icon) params.icon = icon;
  const host = parts.scheme.includes('http') ? parts.host : 'hooks.slack.com';
  return { kind: 'slack', url: bag.keep(url), headers: {}, params, displayName: `slack webhook ${host}/***`, secrets: bag.secrets };
}

/** shoutrrr `mattermost://[user@]host/token[/channel]` (TLS unless `?disabletls=yes`), Apprise `mmost(s)://[bot@]host[/path]/token`. */
export function parseMattermost(parts: UrlParts): Channel {
  const segments = [...parts.segments];
  let token: string | undefined;
  let channel = param(parts, 'channel', 'channels');
  let prefix: string[] = [];
  if (parts.scheme === 'mattermost') {
    token = segments[0];
    channel ??= segments[1];
  } else {
    token = segments.pop();
    prefix = segments;
  }
  if (!token) throw new NotifyUrlError('mattermost URL has no webhook token (expected mattermost://host/token)');
  const protocol = parts.scheme === 'mmost' || (parts.scheme === 'mattermost' && isYes(param(parts, 'disabletls'))) ? 'http:' : 'https:';
  const url = httpUrl(protocol, parts.host, `${pathOf(prefix)}/hooks/${encodeURIComponent(token)}`, 'mattermost');
  const params: Record<string, string> = {};
  if (channel) params.channel = channel.replace(/^#/, '');
  if (parts.user) params.username = parts.user;
  const icon = param(parts, 'icon', 'icon_url', 'icon_emoji');
  if (icon) params.icon = icon;
  const bag = new SecretBag();
  bag.keep(token);
  return { kind: 'mattermost', url: bag.keep(url.toString()), headers: {}, params, displayName: `mattermost ${url.protocol}//${url.host}/hooks/***`, secrets: bag.secrets };
}

/** `apprise(s)://[user:pass@]host[:port][/path]/KEY[?tags=…]`: POST /notify/KEY on an Apprise API server (its saved config). */
export function parseApprise(parts: UrlParts): Channel {
  const segments = [...parts.segments];
  const key = segments.pop();
  if (!key) throw new NotifyUrlError('apprise URL has no configuration key (expected apprise://host:8000/KEY)');
  const protocol = parts.scheme === 'apprises' ? 'https:' : 'http:';
  const url = httpUrl(protocol, parts.host, `${pathOf(segments)}/notify/${encodeURIComponent(key)}`, 'apprise');
  const bag = new SecretBag();
  const headers: Record<string, Secret> = {};
  if (parts.user) {
    bag.keep(parts.password);
    headers.Authorization = bag.keep(`Basic ${bag.keep(Buffer.from(`${parts.user}:${parts.password}`).toString('base64')).reveal()}`);
  }
  bag.keep(key);
  const params = pick(parts, { tags: ['tag'] });
  return { kind: 'apprise', url: bag.keep(url.toString()), headers, params, displayName: `apprise ${url.protocol}//${url.host}${pathOf(segments)}/notify/${maskSegment(key)}`, secrets: bag.secrets };
}
