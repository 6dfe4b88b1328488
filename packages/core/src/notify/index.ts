export {
  NOTIFY_SCHEMES,
  parseChannel,
  schemeProblem,
  type Channel,
  type ChannelKind,
  type ChannelOptions,
  type ChannelSpec,
  type WebhookSpec,
} from './channel.js';
export type { SmtpSettings } from './email.js';
export { PING_SCHEMES, parsePing, type PingKind, type PingTarget } from './ping.js';
export { splitChannelList } from './list.js';
