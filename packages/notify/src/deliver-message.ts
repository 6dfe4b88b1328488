// Sends one message to one channel: redacted, by the channel's kind (email, or HTTP requests), logged when it fails,
// told to the recorder either way. Never rejects.
import { NotifyDeliveryError, redact as redactSecrets, type Logger } from '@baqup/core';
import type { Channel } from './channel.js';
import type { Message } from './compose.js';
import { buildRequests } from './deliver.js';
import { post, type HttpPolicy } from './http-post.js';
import { sendEmail } from './send-email.js';

/** One message to one channel: which, what kind, for which targets, and whether it arrived. */
export interface Delivery {
  /** The channel's display name (no secrets). */
  channel: string;
  kind: string;
  /** Target keys (`container/type-instance`) the message was about. */
  targets: string[];
  delivered: boolean;
  /** Why it was not delivered (redacted). */
  error?: string;
}

export interface DeliverContext {
  source: string;
  clickUrl?: string;
  http: HttpPolicy;
  redact: (text: string) => string;
  logger: Logger;
  onDelivery?: (delivery: Delivery) => void;
}

export type Deliver = (channel: Channel, message: Message, kind?: string) => Promise<Delivery>;

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The deliver function of a notifier. */
export function messageDeliverer(ctx: DeliverContext): Deliver {
  const told = (d: Delivery) => {
    try {
      ctx.onDelivery?.(d);
    } catch {
      // a recorder that throws never stops a delivery
    }
  };
  const scrub = (text: string, channel: Channel) => redactSecrets(ctx.redact(text), channel.secrets);
  const deliverOptions = { source: ctx.source, ...(ctx.clickUrl ? { clickUrl: ctx.clickUrl } : {}) };

  return async (channel, message, kind = message.kind) => {
    const clean: Message = { ...message, title: ctx.redact(message.title), body: ctx.redact(message.body) };
    const targets = message.items.map((item) => item.target);
    try {
      if (channel.kind === 'email') await sendEmail(channel, clean, deliverOptions, ctx.http);
      else for (const request of buildRequests(channel, clean, deliverOptions)) await post(request, ctx.http, channel.displayName);
      ctx.logger.debug('notification sent', { notifier: channel.displayName, kind: message.kind, count: message.items.length });
      const ok: Delivery = { channel: channel.displayName, kind, targets, delivered: true };
      told(ok);
      return ok;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const failed: Delivery = { channel: channel.displayName, kind, targets, delivered: false, error: scrub(errorText(err), channel) };
      told(failed);
      ctx.logger.error('notification could not be delivered', {
        event: 'notify.failed',
        notifier: channel.displayName,
        kind: message.kind,
        count: message.items.length,
        targets: message.items.slice(0, 10).map((item) => item.target),
        error: { message: scrub(errorText(err), channel), code: typeof code === 'string' ? code : NotifyDeliveryError.code },
      });
      return failed;
    }
  };
}
