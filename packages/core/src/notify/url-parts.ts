// Splits a notification URL into its parts without WHATWG quirks (non-special schemes, `token:secret` hosts,
// `@Header=` query keys), and keeps every credential it meets as a Secret.
import { Secret } from '../secret.js';
import { NotifyUrlError } from '../errors/index.js';

export interface UrlParts {
  scheme: string;
  user: string;
  password: string;
  /** `host` or `host:port` (IPv6 in brackets), as written. */
  host: string;
  /** Path segments, decoded, empty ones dropped. */
  segments: string[];
  /** Query parameters; keys as written (`@Header` keeps its case), looked up case-insensitively by `param`. */
  query: Array<[string, string]>;
  fragment: string;
}

const SHAPE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:([^@/?#]*)@)?([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/;

const decode = (text: string): string => {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
};

const decodeKey = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

export function splitUrl(raw: string, schemesHint: string): UrlParts {
  const match = SHAPE.exec(raw.trim());
  if (!match) throw new NotifyUrlError(`notification URL must look like scheme://host/path (schemes: ${schemesHint})`);
  const [, scheme = '', userinfo = '', host = '', path = '', query = '', fragment = ''] = match;
  const colon = userinfo.indexOf(':');
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  const password = colon < 0 ? '' : userinfo.slice(colon + 1);
  return {
    scheme: scheme.toLowerCase(),
    user: decodeURIComponent(user),
    password: decodeURIComponent(password),
    host,
    segments: path.split('/').filter(Boolean).map((s) => decodeURIComponent(s)),
    query: query
      .split('&')
      .filter(Boolean)
      .map((pair): [string, string] => {
        const eq = pair.indexOf('=');
        // Keys keep a literal `+` (Apprise's `+Header=value`); values read `+` as a space (`title=Great+News`).
        return eq < 0 ? [decodeKey(pair), ''] : [decodeKey(pair.slice(0, eq)), decode(pair.slice(eq + 1))];
      }),
    fragment: decode(fragment),
  };
}

/** The value of query parameter `name` (case-insensitive), or undefined. A bare `?insecure` is `''`. */
export function param(parts: UrlParts, ...names: string[]): string | undefined {
  const wanted = names.map((n) => n.toLowerCase());
  return parts.query.find(([k]) => wanted.includes(k.toLowerCase()))?.[1];
}

/** The non-empty values of the parameters `spec` names, each under its key (`{ title: ['title', 't'] }`). */
export function params<K extends string>(parts: UrlParts, spec: Record<K, readonly string[]>): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const key of Object.keys(spec) as K[]) {
    const value = param(parts, ...spec[key]);
    if (value) out[key] = value;
  }
  return out;
}

/** Query parameters other than `names`, for services that take their own parameters in the query. */
export function restQuery(parts: UrlParts, names: readonly string[]): Array<[string, string]> {
  const known = new Set(names.map((n) => n.toLowerCase()));
  return parts.query.filter(([k]) => !known.has(k.toLowerCase()) && !k.startsWith('@') && !k.startsWith('+'));
}

export const isYes = (value: string | undefined): boolean => value !== undefined && /^(|1|true|yes|on)$/i.test(value);

/** A valid `http(s)://host/path` URL, or a NotifyUrlError that names the service but never the URL. */
export function httpUrl(protocol: 'http:' | 'https:', host: string, path: string, service: string): URL {
  if (!host) throw new NotifyUrlError(`${service} URL has no host`);
  try {
    return new URL(`${protocol}//${host}${path}`);
  } catch {
    throw new NotifyUrlError(`${service} URL is not a valid URL`);
  }
}

/** Collects the secrets a channel carries. */
export class SecretBag {
  readonly secrets: Secret[] = [];
  keep(value: string): Secret {
    const secret = new Secret(value);
    if (value) this.secrets.push(secret);
    return secret;
  }
}

export function maskSegment(segment: string): string {
  return segment.length <= 3 ? '***' : `${segment.slice(0, 3)}***`;
}

const enc = (s: string) => encodeURIComponent(s).replace(/%40/g, '@');
export const pathOf = (segments: readonly string[]): string => (segments.length ? `/${segments.map(enc).join('/')}` : '');
