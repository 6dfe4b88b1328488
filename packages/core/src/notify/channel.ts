// Notification channels from the URLs users paste from shoutrrr and Apprise (`ntfy://`, `discord://`, `smtp://`, …).
// Pure: config validation, label parsing, `baqup lint --config` and the notifier all parse with this one function.
import type { Secret } from '../secret.js';
import { NotifyUrlError } from '../errors/index.js';
import { parseEmail, type SmtpSettings } from './email.js';
import { parseNtfy, parseWebhook } from './ntfy-webhook.js';
import { parseApprise, parseDiscord, parseGotify, parseMattermost, parseSlack, parseTelegram } from './services.js';
import { splitUrl, type UrlParts } from './url-parts.js';

export type ChannelKind = 'ntfy' | 'gotify' | 'discord' | 'telegram' | 'slack' | 'mattermost' | 'webhook' | 'apprise' | 'email';

/** A webhook as `notifications.webhook` writes it; every header value is treated as a secret. */
export interface WebhookSpec {
  url: string;
  headers?: Record<string, string>;
}
export type ChannelSpec = string | WebhookSpec;

export interface Channel {
  kind: ChannelKind;
  /** Where to POST (Discord, Slack and Telegram keep their token in the path, so it is a Secret); empty for e-mail. */
  url: Secret;
  /** Headers sent with every request; values are Secrets because they may hold credentials. */
  headers: Readonly<Record<string, Secret>>;
  /** Per-URL parameters (`priority`, `tags`, `chats`, …): they win over baqup's defaults. */
  params: Readonly<Record<string, string>>;
  /** E-mail channels only. */
  smtp?: SmtpSettings;
  /** Safe for logs: kind, host and a masked path; never credentials, tokens, query or full topic. */
  displayName: string;
  /** The secret strings this channel carries (passwords, tokens, header values), for a log redactor. */
  secrets: readonly Secret[];
}

/** Test seam: where the services with a fixed public host (Telegram, Discord, Slack) are reached. */
export interface ChannelOptions {
  apiBase?: Partial<Record<'telegram' | 'discord' | 'slack', string>>;
}

/** Every scheme an alert URL may start with, as error messages and docs list them. */
export const NOTIFY_SCHEMES = [
  'ntfy', 'ntfys', 'http', 'https', 'gotify', 'gotifys', 'discord', 'telegram', 'tgram', 'slack', 'slack+https', 'slack+http',
  'mattermost', 'mmost', 'mmosts', 'webhook+https', 'webhook+http', 'generic', 'generic+https', 'generic+http', 'json', 'jsons',
  'smtp', 'smtps', 'apprise', 'apprises',
] as const;
const SCHEME_LIST = NOTIFY_SCHEMES.join(', ');

type Parser = (parts: UrlParts, options: ChannelOptions) => Channel;

const BY_SCHEME: Record<string, Parser> = {
  ntfy: parseNtfy, ntfys: parseNtfy,
  gotify: parseGotify, gotifys: parseGotify,
  discord: parseDiscord,
  telegram: parseTelegram, tgram: parseTelegram,
  slack: parseSlack, 'slack+https': parseSlack, 'slack+http': parseSlack,
  mattermost: parseMattermost, mmost: parseMattermost, mmosts: parseMattermost,
  'webhook+https': parseWebhook, 'webhook+http': parseWebhook,
  generic: parseWebhook, 'generic+https': parseWebhook, 'generic+http': parseWebhook,
  json: parseWebhook, jsons: parseWebhook,
  smtp: parseEmail, smtps: parseEmail,
  apprise: parseApprise, apprises: parseApprise,
};

/** `https://discord.com/api/webhooks/…` and `https://hooks.slack.com/…` pasted as-is are those services, not ntfy. */
function httpParser(parts: UrlParts): Parser {
  const host = parts.host.toLowerCase();
  if (/^(ptb\.|canary\.)?discord(app)?\.com$/.test(host) && parts.segments[0] === 'api' && parts.segments[1] === 'webhooks') return parseDiscord;
  if (host === 'hooks.slack.com') return parseSlack;
  return parseNtfy;
}

/** Why `scheme` is not usable, or undefined when it is one baqup knows: for config and label validation. */
export function schemeProblem(url: string): string | undefined {
  const at = url.indexOf('://');
  const scheme = at > 0 ? url.slice(0, at).toLowerCase() : '';
  if (!scheme) return `must be a URL such as ntfy://ntfy.sh/alerts (schemes: ${SCHEME_LIST})`;
  if (!(NOTIFY_SCHEMES as readonly string[]).includes(scheme)) return `unsupported notification scheme "${scheme}" (expected one of: ${SCHEME_LIST})`;
  return undefined;
}

/** Parses one alert URL, or a `notifications.webhook` entry, into a channel; throws NotifyUrlError naming what is wrong. */
export function parseChannel(spec: ChannelSpec, options: ChannelOptions = {}): Channel {
  const raw = typeof spec === 'string' ? spec.trim() : spec.url.trim();
  const parts = splitUrl(raw, SCHEME_LIST);
  if (typeof spec !== 'string') {
    // `notifications.webhook` entries are webhooks whatever their scheme says (a plain https:// one included).
    if (!/^(webhook\+|generic\+)?https?$|^generic$|^jsons?$/.test(parts.scheme)) {
      throw new NotifyUrlError(`webhook URL must be http(s)://, webhook+http(s)://, generic(+http(s))://, json:// or jsons:// (got "${parts.scheme}")`);
    }
    return parseWebhook(parts, options, spec.headers ?? {});
  }
  const problem = schemeProblem(raw);
  if (problem) throw new NotifyUrlError(problem);
  const parser = parts.scheme === 'http' || parts.scheme === 'https' ? httpParser(parts) : BY_SCHEME[parts.scheme]!;
  return parser(parts, options);
}
