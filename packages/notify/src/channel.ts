// The URL forms live in @baqup/core (config validation and label parsing use the same parser); re-exported here.
export { NOTIFY_SCHEMES, parseChannel, type Channel, type ChannelKind, type ChannelOptions, type ChannelSpec, type WebhookSpec } from '@baqup/core';
