// E-mail through nodemailer's SMTP transport; retried like the HTTP channels, errors free of credentials.
// nodemailer is loaded on the first e-mail, not at start: imported, it costs an idle controller 8 MiB of RSS
// (bench/README.md, "idle.mjs").
import { NotifyDeliveryError } from '@baqup/core';
import type { Channel } from './channel.js';
import type { Message } from './compose.js';
import type { DeliverOptions } from './deliver.js';
import { retryDelay, type HttpPolicy } from './http-post.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function sendEmail(channel: Channel, message: Message, options: DeliverOptions, policy: HttpPolicy): Promise<void> {
  const smtp = channel.smtp;
  if (!smtp) throw new NotifyDeliveryError(`${channel.displayName} has no SMTP settings`);
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    requireTLS: smtp.starttls === 'required',
    ignoreTLS: smtp.starttls === 'off',
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password?.reveal() ?? '' } } : {}),
    ...(smtp.clientHost ? { name: smtp.clientHost } : {}),
    connectionTimeout: policy.timeoutMs,
    greetingTimeout: policy.timeoutMs,
    socketTimeout: policy.timeoutMs,
  });
  const mail = {
    from: smtp.fromName ? { name: smtp.fromName, address: smtp.from } : smtp.from,
    to: smtp.to,
    subject: smtp.subject ? `${smtp.subject}: ${message.title}` : message.title,
    text: options.clickUrl ? `${message.body}\n\n${options.clickUrl}\n` : `${message.body}\n`,
    headers: { 'X-Baqup-Kind': message.kind },
  };
  let attempt = 0;
  try {
    for (;;) {
      attempt += 1;
      try {
        await transport.sendMail(mail);
        return;
      } catch (err) {
        // A permanent SMTP answer (5xx: bad recipient, auth refused) does not get better with retries.
        const code = (err as { responseCode?: number }).responseCode;
        if (attempt > policy.retryLimit || (code !== undefined && code >= 500)) {
          const reason = (err instanceof Error ? err.message : String(err)).split(smtp.password?.reveal() || '\0').join('[redacted]');
          const tries = attempt === 1 ? '1 attempt' : `${attempt} attempts`;
          throw new NotifyDeliveryError(`e-mail via ${channel.displayName} failed after ${tries}: ${reason}`, code, { cause: err });
        }
        await sleep(retryDelay(attempt, policy));
      }
    }
  } finally {
    transport.close();
  }
}
