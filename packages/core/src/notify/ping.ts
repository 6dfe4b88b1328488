// Dead-man's-switch pings: Healthchecks.io (UUID and ping-key/slug forms, self-hosted too) and Uptime Kuma push URLs.
import { NotifyUrlError } from '../errors/index.js';
import type { Secret } from '../secret.js';
import { httpUrl, maskSegment, pathOf, SecretBag, splitUrl } from './url-parts.js';

export type PingKind = 'healthchecks' | 'uptime-kuma';

export interface PingTarget {
  kind: PingKind;
  /** Healthchecks: the check's ping URL (success; `/start` and `/fail` are appended). Kuma: the push URL without its query. */
  url: Secret;
  displayName: string;
  secrets: readonly Secret[];
}

export const PING_SCHEMES = ['https', 'http', 'hc+https', 'hc+http', 'healthchecks+https', 'healthchecks+http', 'kuma+https', 'kuma+http', 'uptimekuma+https', 'uptimekuma+http'] as const;
const FORMS = 'https://hc-ping.com/<uuid>, https://hc-ping.com/<ping-key>/<slug>, https://<your-healthchecks>/ping/<uuid>, https://<kuma>/api/push/<token>, or hc+https:// / kuma+https:// for other hosts';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Parses one ping URL; throws NotifyUrlError naming the accepted forms. */
export function parsePing(raw: string): PingTarget {
  const parts = splitUrl(raw, PING_SCHEMES.join(', '));
  const [prefix, transport] = parts.scheme.includes('+') ? parts.scheme.split('+') : ['', parts.scheme];
  if ((transport !== 'http' && transport !== 'https') || !['', 'hc', 'healthchecks', 'kuma', 'uptimekuma'].includes(prefix ?? '')) throw new NotifyUrlError(`unsupported ping scheme "${parts.scheme}" (expected one of: ${PING_SCHEMES.join(', ')})`);
  const protocol = `${transport}:` as 'http:' | 'https:';
  const host = parts.host.toLowerCase();
  const segments = parts.segments;
  const pushAt = segments.findIndex((s, i) => s === 'push' && segments[i - 1] === 'api');
  let kind: PingKind | undefined;
  if (prefix === 'kuma' || prefix === 'uptimekuma') kind = 'uptime-kuma';
  else if (prefix === 'hc' || prefix === 'healthchecks') kind = 'healthchecks';
  else if (pushAt > 0 && segments[pushAt + 1]) kind = 'uptime-kuma';
  else if (host === 'hc-ping.com' || host.endsWith('.hc-ping.com') || (segments.at(-2) === 'ping' && UUID.test(segments.at(-1) ?? ''))) kind = 'healthchecks';
  if (!kind) throw new NotifyUrlError(`not a ping URL baqup knows (expected ${FORMS})`);
  const bag = new SecretBag();
  if (kind === 'uptime-kuma') {
    // The URL Kuma shows ends in `?status=up&msg=OK&ping=`: baqup sets those itself.
    const token = pushAt >= 0 ? segments[pushAt + 1] : segments.at(-1);
    if (!token) throw new NotifyUrlError('uptime kuma push URL has no token (expected https://kuma.example/api/push/<token>)');
    bag.keep(token);
    const url = httpUrl(protocol, parts.host, pathOf(segments), 'uptime kuma');
    return { kind, url: bag.keep(url.toString()), displayName: `uptime-kuma ${url.protocol}//${url.host}/api/push/${maskSegment(token)}`, secrets: bag.secrets };
  }
  // Healthchecks: strip an action a pasted URL may already end in, so /start and /fail are appended to the check itself.
  const check = /^(start|fail|log|\d{1,3})$/.test(segments.at(-1) ?? '') && segments.length > 1 ? segments.slice(0, -1) : segments;
  const last = check.at(-1);
  if (!last) throw new NotifyUrlError(`healthchecks URL has no check UUID or slug (expected ${FORMS})`);
  check.forEach((s) => s !== 'ping' && bag.keep(s));
  const url = httpUrl(protocol, parts.host, pathOf(check), 'healthchecks');
  return { kind, url: bag.keep(url.toString().replace(/\/$/, '')), displayName: `healthchecks ${url.protocol}//${url.host}/${maskSegment(last)}`, secrets: bag.secrets };
}
