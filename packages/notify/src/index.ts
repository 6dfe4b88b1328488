export { createNotifier, type Delivery, type Notifier, type NotifierOptions } from './create-notifier.js';
export { type ContainerNotice, type NotifyEvent } from './events.js';
export { NotifyDeliveryError, NotifyUrlError } from './errors.js';
export { createPinger, runId, type Pinger } from './pinger.js';
