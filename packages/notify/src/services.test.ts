// Every alert URL form against real receivers on 127.0.0.1: what each service's API gets (method, path, headers,
// body), e-mail through nodemailer into a real SMTP server, and no token in any log line.
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@baqup/log';
import { createNotifier, type Notifier, type NotifierOptions } from './create-notifier.js';
import type { NotifyEvent } from './events.js';
import { startReceiver, startSmtpSink, type Receiver } from './__fixtures__/loopback.js';

const failed: NotifyEvent = {
  kind: 'result', container: 'nextcloud', target: 'nextcloud/postgres-main', schedule: 'daily', success: false,
  durationSeconds: 12, error: { code: 'BAQUP_DUMP_FAILED', message: 'pg_dump exited with code 1' },
};
const succeeded: NotifyEvent = {
  kind: 'result', container: 'nextcloud', target: 'nextcloud/postgres-main', schedule: 'daily', success: true, bytes: 5 * 1048576, durationSeconds: 3,
};
const CLICK = 'http://127.0.0.1:8080/api/status';

let rx: Receiver;
let lines: string[];
const notifiers: Notifier[] = [];

function notifier(options: NotifierOptions): Notifier {
  const sink = new Writable({ write: (c: Buffer, _e, done) => (lines.push(c.toString()), done()) });
  const n = createNotifier({
    windowMs: 0, digestIntervalMs: 0, clickUrl: CLICK,
    http: { retryBaseDelayMs: 10, retryMaxDelayMs: 50, retryLimit: 1, timeoutMs: 5_000 },
    logger: createLogger({ level: 'debug', format: 'json', stream: sink, env: {} }),
    channelOptions: { apiBase: { telegram: rx.base, discord: rx.base, slack: rx.base } },
    ...options,
  });
  notifiers.push(n);
  return n;
}

/** A failure then a success (a recovery with its size): two messages to a channel listening to both. */
async function failThenRecover(urls: string[]): Promise<void> {
  const n = notifier({ onFailure: urls, onSuccess: true });
  await n.notify(failed);
  await n.notify(succeeded);
}

const jsonBody = (i: number) => JSON.parse(rx.requests[i]!.body) as Record<string, unknown>;

beforeEach(async () => {
  rx = await startReceiver();
  lines = [];
});
afterEach(async () => {
  for (const n of notifiers.splice(0)) await n.close();
  await rx.close();
});

describe('alert URL forms against loopback receivers', () => {
  it('ntfy: URL priority and tags win over the defaults; size, duration and the link are in the message', async () => {
    await failThenRecover([`ntfy://${rx.host}/nas-alerts?scheme=http&priority=urgent&tags=nas,floppy_disk`]);
    const [failure, recovery] = await rx.waitFor(2);
    expect(failure).toMatchObject({ method: 'POST', path: '/nas-alerts' });
    expect(failure!.headers).toMatchObject({ priority: '5', tags: 'nas,floppy_disk', click: CLICK, title: 'baqup: backup failed: nextcloud/postgres-main' });
    expect(failure!.body).toBe('✗ nextcloud/postgres-main (daily): BAQUP_DUMP_FAILED pg_dump exited with code 1 (after 12s)');
    expect(recovery!.body).toBe('✓ nextcloud/postgres-main (daily): recovered after 0s (5.0 MiB in 3s)');
  });

  it('ntfy as a plain https-style URL uses baqup priorities (4 on failure, 3 on success)', async () => {
    await failThenRecover([`${rx.base}/topic`]);
    const [failure, recovery] = await rx.waitFor(2);
    expect(failure!.headers.priority).toBe('4');
    expect(recovery!.headers.priority).toBe('3');
  });

  it('gotify: POST /message with X-Gotify-Key, priority from the URL', async () => {
    await failThenRecover([`gotify://${rx.host}/sub/AppTokenXYZ?disabletls=yes&priority=9`]);
    const [failure] = await rx.waitFor(2);
    expect(failure).toMatchObject({ method: 'POST', path: '/sub/message' });
    expect(failure!.headers['x-gotify-key']).toBe('AppTokenXYZ');
    expect(jsonBody(0)).toMatchObject({ title: 'baqup: backup failed: nextcloud/postgres-main', priority: 9, extras: { 'client::notification': { click: { url: CLICK } } } });
    expect(jsonBody(0).message).toMatch(/BAQUP_DUMP_FAILED/);
  });

  it('discord (shoutrrr token@id): execute-webhook with a red embed, then a green one', async () => {
    await failThenRecover(['discord://WebhookTok_123@112233445566']);
    const [failure] = await rx.waitFor(2);
    expect(failure).toMatchObject({ method: 'POST', path: '/api/webhooks/112233445566/WebhookTok_123' });
    expect(jsonBody(0)).toMatchObject({ username: 'baqup', embeds: [{ title: 'baqup: backup failed: nextcloud/postgres-main', color: 0xd93f0b, url: CLICK }] });
    expect(jsonBody(1)).toMatchObject({ embeds: [{ color: 0x2ea043 }] });
  });

  it('telegram: one sendMessage per chat, silent when notification=no', async () => {
    const n = notifier({ onFailure: ['telegram://110201543:AAHdqTcvCH1vGWJx@telegram?chats=@nas,-100123&notification=no'] });
    await n.notify(failed);
    const requests = await rx.waitFor(2);
    expect(requests.map((r) => r.path)).toEqual(['/bot110201543:AAHdqTcvCH1vGWJx/sendMessage', '/bot110201543:AAHdqTcvCH1vGWJx/sendMessage']);
    expect([jsonBody(0).chat_id, jsonBody(1).chat_id].sort()).toEqual(['-100123', '@nas']);
    expect(jsonBody(0)).toMatchObject({ disable_notification: true });
    expect(jsonBody(0).text).toMatch(/^baqup: backup failed: nextcloud\/postgres-main\n\n✗ .*BAQUP_DUMP_FAILED[\s\S]*http:\/\/127\.0\.0\.1:8080\/api\/status$/);
  });

  it('slack and mattermost: incoming-webhook JSON with text, channel and username', async () => {
    const n = notifier({ onFailure: ['slack://backupbot@T0001/B0002/XXXX3/#ops', `mattermost://nasbot@${rx.host}/hooktoken123/backups?disabletls=yes`] });
    await n.notify(failed);
    const requests = await rx.waitFor(2);
    const slack = requests.find((r) => r.path === '/services/T0001/B0002/XXXX3');
    const mm = requests.find((r) => r.path === '/hooks/hooktoken123');
    expect(JSON.parse(slack!.body)).toMatchObject({ channel: '#ops', username: 'backupbot', text: expect.stringMatching(/^\*baqup: backup failed: nextcloud\/postgres-main\*\n✗/) });
    expect(JSON.parse(mm!.body)).toMatchObject({ channel: 'backups', username: 'nasbot', text: expect.stringMatching(/^#### baqup: backup failed/) });
  });

  it('several generic JSON webhooks, each with its own headers', async () => {
    const n = notifier({
      webhook: [`generic+http://${rx.host}/hook-a?@X-Api-Key=key-A1`, { url: `${rx.base}/hook-b`, headers: { Authorization: 'Bearer key-B2' } }],
    });
    await n.notify(failed);
    await n.notify(succeeded);
    const requests = await rx.waitFor(4);
    const a = requests.filter((r) => r.path === '/hook-a');
    const b = requests.filter((r) => r.path === '/hook-b');
    expect(a).toHaveLength(2);
    expect(b).toHaveLength(2);
    expect(a[0]!.headers['x-api-key']).toBe('key-A1');
    expect(b[0]!.headers.authorization).toBe('Bearer key-B2');
    const doc = JSON.parse(a[0]!.body) as Record<string, unknown>;
    expect(doc).toMatchObject({ source: 'baqup', status: 'failed', container: 'nextcloud', target: 'nextcloud/postgres-main', schedule: 'daily', error: { code: 'BAQUP_DUMP_FAILED' }, duration_ms: 12_000, url: CLICK });
    expect(JSON.parse(a[1]!.body)).toMatchObject({ status: 'ok', bytes: 5 * 1048576, duration_ms: 3000 });
  });

  it('apprise: POST /notify/{key} on the Apprise API with type and tag', async () => {
    await failThenRecover([`apprise://${rx.host}/baqup-key?tags=admins`]);
    const [failure, recovery] = await rx.waitFor(2);
    expect(failure).toMatchObject({ method: 'POST', path: '/notify/baqup-key' });
    expect(jsonBody(0)).toMatchObject({ title: 'baqup: backup failed: nextcloud/postgres-main', type: 'failure', format: 'text', tag: 'admins' });
    expect(recovery && jsonBody(1)).toMatchObject({ type: 'success' });
  });

  it('e-mail: nodemailer delivers to a real SMTP server, with AUTH, sender and every recipient', async () => {
    const smtp = await startSmtpSink({ user: 'ops', password: 'smtp-Pw-77' });
    try {
      const n = notifier({ onFailure: [`smtp://ops:smtp-Pw-77@127.0.0.1:${smtp.port}/?from=baqup@nas.lan&to=a@example.org,b@example.org&subject=NAS&usestarttls=no`] });
      await n.notify(failed);
      const [mail] = await smtp.waitFor(1);
      expect(mail).toMatchObject({ from: 'baqup@nas.lan', to: ['a@example.org', 'b@example.org'], user: 'ops' });
      expect(mail!.raw).toMatch(/^Subject: NAS: baqup: backup failed: nextcloud\/postgres-main$/m);
      expect(mail!.text).toContain('✗ nextcloud/postgres-main (daily): BAQUP_DUMP_FAILED pg_dump exited with code 1 (after 12s)');
      expect(mail!.text).toContain(CLICK);
    } finally {
      await smtp.close();
    }
  });

  it('never writes a token, password or header value into a log line', async () => {
    const n = notifier({ onFailure: [`gotify://${rx.host}/AppTokenXYZ?disabletls=yes`, 'discord://WebhookTok_123@1122', `smtp://ops:smtp-Pw-77@127.0.0.1:1/?from=a@b.c&to=d@e.f`] });
    await rx.close();
    await n.notify(failed);
    const text = lines.join('');
    expect(text).toMatch(/notification could not be delivered/);
    for (const secret of ['AppTokenXYZ', 'WebhookTok_123', 'smtp-Pw-77']) expect(text).not.toContain(secret);
    rx = await startReceiver();
  });
});

describe('per-container routing (backup.notify_* labels)', () => {
  it('adds a container\'s own channels and can leave the global ones out', async () => {
    const n = notifier({ onFailure: [`${rx.base}/global`] });
    const own = `${rx.base}/nextcloud-only`;
    await n.notify({ ...failed, route: { onFailure: [own], onSuccess: [], global: true } });
    await n.notify({ ...failed, container: 'wiki', target: 'wiki/sqlite-app', route: { onFailure: [own], onSuccess: [], global: false } });
    await n.notify({ ...failed, container: 'db', target: 'db/postgres-main' });
    await rx.waitFor(4);
    const paths = rx.requests.map((r) => `${r.path} ${r.headers.title}`).sort();
    expect(paths).toEqual([
      '/global baqup: backup failed: db/postgres-main',
      '/global baqup: backup failed: nextcloud/postgres-main',
      '/nextcloud-only baqup: backup failed: nextcloud/postgres-main',
      '/nextcloud-only baqup: backup failed: wiki/sqlite-app',
    ]);
  });
});
