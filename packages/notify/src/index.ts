export { createNotifier, type Delivery, type Notifier, type NotifierOptions } from './create-notifier.js';
export { parseChannel, type Channel, type ChannelKind, type ChannelSpec, type WebhookSpec } from './channel.js';
export { fromBackupResult, type ContainerNotice, type NotifyEvent, type ResultNotice, type TargetNotice } from './events.js';
export {
  due,
  flushPending,
  forgetTarget,
  initialDecisionState,
  nextDueAt,
  observe,
  type Batch,
  type DecisionState,
  type ItemEvent,
  type NotifyItem,
  type NotifyPolicy,
  type TargetMemory,
} from './decide.js';
export { composeMessages, formatDuration, type ChannelRoles, type Message, type MessageKind } from './compose.js';
export { DEFAULT_HTTP_POLICY, retryDelay, type HttpPolicy } from './http-post.js';
export { NotifyDeliveryError, NotifyUrlError } from './errors.js';
export { createPinger, pingSummary, runId, type Pinger, type PingerOptions } from './pinger.js';
export { formatBytes } from './compose.js';
