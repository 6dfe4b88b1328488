// ntfy (shoutrrr's `ntfy://host/topic` and a plain `https://ntfy.sh/topic`) and generic JSON webhooks.
import { NotifyUrlError } from '../errors/index.js';
import type { Secret } from '../secret.js';
import type { Channel, ChannelOptions } from './channel.js';
import { httpUrl, isYes, maskSegment, param, params, pathOf, restQuery, SecretBag, type UrlParts } from './url-parts.js';

const NTFY_PRIORITIES: Record<string, number> = { min: 1, low: 2, default: 3, high: 4, max: 5, urgent: 5 };
const NTFY_PARAMS = ['priority', 'prio', 'p', 'tags', 'tag', 'ta', 'click', 'title', 't', 'icon', 'insecure', 'scheme', 'disabletls', 'token', 'auth'];

/** ntfy's priority as a number 1–5 from `?priority=` (a number or min/low/default/high/max/urgent). */
function ntfyPriority(value: string): string {
  const named = NTFY_PRIORITIES[value.toLowerCase()];
  if (named !== undefined) return String(named);
  if (/^[1-5]$/.test(value)) return value;
  throw new NotifyUrlError(`ntfy URL: priority "${value}" is not one of 1-5, min, low, default, high, max, urgent`);
}

/** Authorization from the URL's user info or `?token=`: ntfy's access tokens (`tk_…`), or Basic. */
function authorization(parts: UrlParts, bag: SecretBag, headers: Record<string, Secret>): void {
  const { user, password } = parts;
  const token = param(parts, 'token');
  if (token) headers.Authorization = bag.keep(`Bearer ${bag.keep(token).reveal()}`);
  else if (!user && password) headers.Authorization = bag.keep(`Bearer ${bag.keep(password).reveal()}`);
  else if (user && !password && user.startsWith('tk_')) headers.Authorization = bag.keep(`Bearer ${bag.keep(user).reveal()}`);
  else if (user) {
    bag.keep(password);
    headers.Authorization = bag.keep(`Basic ${bag.keep(Buffer.from(`${user}:${password}`).toString('base64')).reveal()}`);
  }
}

const credentialsNote = (headers: Record<string, Secret>) => (Object.keys(headers).length > 0 ? ' (with credentials)' : '');

export function parseNtfy(parts: UrlParts, _options: ChannelOptions): Channel {
  const plain = parts.scheme === 'http' || parts.scheme === 'https';
  const insecure = isYes(param(parts, 'insecure')) || isYes(param(parts, 'disabletls')) || param(parts, 'scheme')?.toLowerCase() === 'http';
  const protocol = plain ? (`${parts.scheme}:` as 'http:' | 'https:') : parts.scheme === 'ntfy' && insecure ? 'http:' : 'https:';
  if (parts.segments.length === 0) throw new NotifyUrlError(`ntfy URL for ${parts.host || '(no host)'} has no topic (expected ntfy://host/topic)`);
  const url = httpUrl(protocol, parts.host, pathOf(parts.segments), 'ntfy');
  for (const [k, v] of restQuery(parts, NTFY_PARAMS)) url.searchParams.append(k, v);
  const bag = new SecretBag();
  const headers: Record<string, Secret> = {};
  authorization(parts, bag, headers);
  // ntfy's own `?auth=` parameter is the Authorization header, base64url-encoded: send it as the header instead.
  const auth = param(parts, 'auth');
  if (auth && !headers.Authorization) {
    bag.keep(auth);
    headers.Authorization = bag.keep(Buffer.from(auth, 'base64url').toString('utf8'));
  }
  const found = params(parts, { priority: ['priority', 'prio', 'p'], tags: ['tags', 'tag', 'ta'], click: ['click'], title: ['title', 't'], icon: ['icon'] });
  const query: Record<string, string> = { ...found, ...(found.priority ? { priority: ntfyPriority(found.priority) } : {}) };
  const segments = [...parts.segments];
  const topic = segments.pop() ?? '';
  const displayName = `ntfy ${url.protocol}//${url.host}${pathOf(segments)}/${maskSegment(topic)}${credentialsNote(headers)}`;
  return { kind: 'ntfy', url: bag.keep(url.toString()), headers, params: query, displayName, secrets: bag.secrets };
}

const WEBHOOK_PARAMS = ['disabletls', 'template'];

/** Generic JSON webhooks: `webhook+https://`, shoutrrr's `generic(+https)://`, Apprise's `json(s)://`; `@Name=`/`+Name=` are headers. */
export function parseWebhook(parts: UrlParts, _options: ChannelOptions, extraHeaders: Record<string, string> = {}): Channel {
  const s = parts.scheme;
  const protocol: 'http:' | 'https:' =
    s === 'http' || s === 'webhook+http' || s === 'generic+http' || s === 'json' || (s === 'generic' && isYes(param(parts, 'disabletls'))) ? 'http:' : 'https:';
  const url = httpUrl(protocol, parts.host, pathOf(parts.segments) || '/', 'webhook');
  for (const [k, v] of restQuery(parts, WEBHOOK_PARAMS)) url.searchParams.append(k, v);
  const bag = new SecretBag();
  const headers: Record<string, Secret> = {};
  if (parts.user || parts.password) {
    bag.keep(parts.password);
    headers.Authorization = bag.keep(`Basic ${bag.keep(Buffer.from(`${parts.user}:${parts.password}`).toString('base64')).reveal()}`);
  }
  for (const [k, v] of parts.query) if ((k.startsWith('@') || k.startsWith('+')) && k.length > 1) headers[k.slice(1)] = bag.keep(v);
  for (const [name, value] of Object.entries(extraHeaders)) headers[name] = bag.keep(value);
  const displayName = `webhook ${url.protocol}//${url.host}${url.pathname === '/' ? '' : '/***'}${credentialsNote(headers)}`;
  const endpoint = bag.keep(url.toString());
  return { kind: 'webhook', url: endpoint, headers, params: {}, displayName, secrets: bag.secrets };
}
