// Notification channels from the URLs the config writes (`ntfy://user:pw@host/topic`, `webhook+https://…`).
import { Secret } from '@baqup/core';
import { NotifyUrlError } from './errors.js';

export type ChannelKind = 'ntfy' | 'webhook';

/** A webhook as `notifications.webhook` writes it; every header value is treated as a secret. */
export interface WebhookSpec {
  url: string;
  headers?: Record<string, string>;
}
export type ChannelSpec = string | WebhookSpec;

export interface Channel {
  kind: ChannelKind;
  /** Where to POST; never holds credentials (they moved to `headers`). */
  url: string;
  /** Headers sent with every request; values are Secrets because they may hold credentials. */
  headers: Readonly<Record<string, Secret>>;
  /** Safe for logs: kind, scheme, host and a masked path; never credentials, query or full topic. */
  displayName: string;
  /** The secret strings this channel carries (passwords, tokens, header values), for a log redactor. */
  secrets: readonly Secret[];
}

const SCHEMES = 'ntfy, ntfys, http, https, webhook+http, webhook+https';

function maskSegment(segment: string): string {
  return segment.length <= 3 ? '***' : `${segment.slice(0, 3)}***`;
}

/** The path as logs may show it: an ntfy topic is effectively a password on public servers, a webhook path often holds a token. */
function maskedPath(kind: ChannelKind, pathname: string): string {
  if (pathname === '/' || pathname === '') return '';
  if (kind === 'webhook') return '/***';
  const segments = pathname.split('/');
  const last = segments.pop() ?? '';
  return [...segments, maskSegment(last)].join('/');
}

function splitScheme(spec: string): { scheme: string; rest: string } {
  const at = spec.indexOf('://');
  if (at <= 0) throw new NotifyUrlError(`notification URL must look like scheme://host/path (schemes: ${SCHEMES})`);
  return { scheme: spec.slice(0, at).toLowerCase(), rest: spec.slice(at + 3) };
}

/** Parses one `on_failure`/`on_success` entry or `notifications.webhook` entry into a channel. */
export function parseChannel(spec: ChannelSpec): Channel {
  const raw = typeof spec === 'string' ? spec.trim() : spec.url.trim();
  const split = splitScheme(raw);
  const rest = split.rest;
  let scheme = split.scheme;
  let kind: ChannelKind = 'ntfy';
  if (typeof spec !== 'string') {
    kind = 'webhook';
    if (scheme.startsWith('webhook+')) scheme = scheme.slice('webhook+'.length);
  } else if (scheme.startsWith('webhook+')) {
    kind = 'webhook';
    scheme = scheme.slice('webhook+'.length);
  }
  const insecure = /[?&]insecure(?:=(?:1|true|yes))?(?:&|#|$)/i.test(rest);
  let protocol: 'http:' | 'https:';
  if (kind === 'ntfy' && scheme === 'ntfy') protocol = insecure ? 'http:' : 'https:';
  else if (kind === 'ntfy' && scheme === 'ntfys') protocol = 'https:';
  else if (scheme === 'http' || scheme === 'https') protocol = `${scheme}:`;
  else throw new NotifyUrlError(`unsupported notification scheme "${scheme}" (expected one of: ${SCHEMES})`);

  let url: URL;
  try {
    url = new URL(`${protocol}//${rest}`);
  } catch {
    throw new NotifyUrlError(`notification URL for ${kind} is not a valid URL`);
  }
  const headers: Record<string, Secret> = {};
  const secrets: Secret[] = [];
  const keep = (value: string): Secret => {
    const secret = new Secret(value);
    secrets.push(secret);
    return secret;
  };

  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const token = url.searchParams.get('token');
  url.username = '';
  url.password = '';
  url.searchParams.delete('token');
  url.searchParams.delete('insecure');
  if (token) {
    headers.Authorization = keep(`Bearer ${keep(token).reveal()}`);
  } else if (!user && password) {
    headers.Authorization = keep(`Bearer ${keep(password).reveal()}`);
  } else if (user && !password && user.startsWith('tk_')) {
    headers.Authorization = keep(`Bearer ${keep(user).reveal()}`);
  } else if (user) {
    if (password) keep(password);
    const basic = Buffer.from(`${user}:${password}`).toString('base64');
    headers.Authorization = keep(`Basic ${keep(basic).reveal()}`);
  }
  // ntfy's own `?auth=` parameter is the Authorization header, base64url-encoded: send it as the header instead.
  const auth = url.searchParams.get('auth');
  url.searchParams.delete('auth');
  if (auth && !headers.Authorization) {
    keep(auth);
    headers.Authorization = keep(Buffer.from(auth, 'base64url').toString('utf8'));
  }
  if (typeof spec !== 'string') {
    for (const [name, value] of Object.entries(spec.headers ?? {})) headers[name] = keep(value);
  }
  if (kind === 'ntfy' && (url.pathname === '/' || url.pathname === '')) {
    throw new NotifyUrlError(`ntfy URL for ${url.host} has no topic (expected ntfy://host/topic)`);
  }
  const credentials = Object.keys(headers).length > 0 ? ' (with credentials)' : '';
  const displayName = `${kind} ${url.protocol}//${url.host}${maskedPath(kind, url.pathname)}${credentials}`;
  return { kind, url: url.toString(), headers, displayName, secrets };
}
