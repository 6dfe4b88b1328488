// E-mail over SMTP in shoutrrr's form: smtp://user:pass@host:port/?from=…&to=a,b (smtps:// = implicit TLS).
import { NotifyUrlError } from '../errors/index.js';
import type { Secret } from '../secret.js';
import type { Channel } from './channel.js';
import { isYes, param, params, SecretBag, type UrlParts } from './url-parts.js';

export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (port 465, `smtps://`, `encryption=ImplicitTLS`). */
  secure: boolean;
  /** `required`: STARTTLS or fail (`encryption=ExplicitTLS`); `off`: never (`encryption=None`, `usestarttls=no`); else when offered. */
  starttls: 'required' | 'opportunistic' | 'off';
  user?: string;
  password?: Secret;
  from: string;
  fromName?: string;
  to: string[];
  subject?: string;
  clientHost?: string;
}

const ADDRESS = /^[^\s@,<>]+@[^\s@,<>]+$/;

export function parseEmail(parts: UrlParts): Channel {
  const hostPort = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(parts.host);
  if (!hostPort) throw new NotifyUrlError('smtp URL has no host (expected smtp://user:pass@host:587/?from=…&to=…)');
  const encryption = (param(parts, 'encryption') ?? 'auto').toLowerCase();
  if (!['auto', 'none', 'explicittls', 'implicittls'].includes(encryption)) {
    throw new NotifyUrlError(`smtp URL: encryption "${encryption}" is not one of None, ExplicitTLS, ImplicitTLS, Auto`);
  }
  const port = hostPort[2] ? Number(hostPort[2]) : parts.scheme === 'smtps' || encryption === 'implicittls' ? 465 : 25;
  const secure = parts.scheme === 'smtps' || encryption === 'implicittls' || (encryption === 'auto' && port === 465);
  const startTlsParam = param(parts, 'usestarttls');
  const starttls = encryption === 'explicittls' ? 'required' : encryption === 'none' || (startTlsParam !== undefined && !isYes(startTlsParam)) ? 'off' : 'opportunistic';
  const from = param(parts, 'from', 'fromaddress') ?? (ADDRESS.test(parts.user) ? parts.user : undefined);
  if (!from || !ADDRESS.test(from)) throw new NotifyUrlError('smtp URL needs a sender address: add ?from=backup@example.org');
  const to = (param(parts, 'to', 'toaddresses') ?? '').split(',').map((a) => a.trim()).filter(Boolean);
  if (to.length === 0) throw new NotifyUrlError('smtp URL needs recipients: add &to=you@example.org[,other@example.org]');
  const bad = to.find((a) => !ADDRESS.test(a));
  if (bad !== undefined) throw new NotifyUrlError(`smtp URL: recipient "${bad}" is not an e-mail address`);
  const bag = new SecretBag();
  const smtp: SmtpSettings = { host: hostPort[1]!.replace(/^\[|\]$/g, ''), port, secure, starttls, from, to };
  if (parts.user) smtp.user = parts.user;
  if (parts.password) smtp.password = bag.keep(parts.password);
  Object.assign(smtp, params(parts, { fromName: ['fromname'], subject: ['subject', 'title'], clientHost: ['clienthost'] }));
  const n = to.length;
  const displayName = `email ${secure ? 'smtps' : 'smtp'}://${parts.host}${hostPort[2] ? '' : `:${port}`} (${n} recipient${n === 1 ? '' : 's'})${smtp.password ? ' (with credentials)' : ''}`;
  return { kind: 'email', url: bag.keep(''), headers: {}, params: {}, smtp, displayName, secrets: bag.secrets };
}
