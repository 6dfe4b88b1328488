// @baqup/notify against a real HTTP server on 127.0.0.1 playing ntfy: what is sent, how often, with which headers,
// retries on 5xx, a server that is down, and no credential in any log line. No Docker needed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNotifier, type Notifier, type NotifierOptions, type NotifyEvent } from '@baqup/notify';
import { captureLog, closedPort, startFakeNtfy, type CapturedLog, type FakeNtfy } from './notify-fixtures.js';

const PASSWORD = 'pw-Zq81!x';
const TOKEN = 'tk_e2eSecretToken42';

const failed = (target = 'db/postgres-main'): NotifyEvent => ({
  kind: 'result',
  container: target.split('/')[0]!,
  target,
  schedule: 'daily',
  success: false,
  error: { code: 'BAQUP_DUMP_FAILED', message: 'pg_dump exited with code 1' },
});
const succeeded = (target = 'db/postgres-main'): NotifyEvent => ({
  kind: 'result', container: target.split('/')[0]!, target, schedule: 'daily', success: true,
});

let ntfy: FakeNtfy;
let log: CapturedLog;
const notifiers: Notifier[] = [];

/** windowMs 0: a burst is still one message (everything notified in the same tick), without a 5 s wait. */
function notifier(options: NotifierOptions): Notifier {
  const n = createNotifier({
    windowMs: 0,
    digestIntervalMs: 0,
    logger: log.logger,
    http: { retryBaseDelayMs: 20, retryMaxDelayMs: 100, retryLimit: 2, timeoutMs: 5_000 },
    ...options,
  });
  notifiers.push(n);
  return n;
}

/** Every log line, once the logger has written them all; none may carry a credential. */
async function logLines(): Promise<Array<Record<string, unknown>>> {
  await log.logger.flush();
  for (const line of log.lines) {
    expect(line).not.toContain(PASSWORD);
    expect(line).not.toContain(TOKEN);
    expect(line).not.toContain(Buffer.from(`phil:${PASSWORD}`).toString('base64'));
  }
  return log.json();
}

beforeEach(async () => {
  ntfy = await startFakeNtfy();
  log = captureLog();
});

afterEach(async () => {
  for (const n of notifiers.splice(0)) await n.close();
  await ntfy.close();
});

describe('ntfy publishing', () => {
  it('sends exactly one message for a failure, with Basic auth and ntfy headers; none for the same failure again', async () => {
    const url = ntfy.url('/topic').replace('http://', `http://phil:${encodeURIComponent(PASSWORD)}@`);
    const n = notifier({ onFailure: [url], clickUrl: 'http://127.0.0.1:8080/' });
    await n.notify(failed());
    expect(ntfy.requests).toHaveLength(1);
    const [message] = ntfy.requests;
    expect(message).toMatchObject({ method: 'POST', path: '/topic' });
    expect(message!.headers).toMatchObject({
      title: 'baqup: backup failed: db/postgres-main',
      priority: '4',
      tags: 'rotating_light,backup',
      click: 'http://127.0.0.1:8080/',
      authorization: `Basic ${Buffer.from(`phil:${PASSWORD}`).toString('base64')}`,
    });
    expect(message!.body).toBe('✗ db/postgres-main (daily): BAQUP_DUMP_FAILED pg_dump exited with code 1');

    await n.notify(failed());
    await n.flush();
    expect(ntfy.requests).toHaveLength(1);
    expect(n.channels).toEqual(['ntfy http://127.0.0.1:' + ntfy.port + '/top*** (with credentials)']);
    expect((await logLines()).filter((l) => l.event === 'notify.failed')).toEqual([]);
  });

  it('sends a recovery when the target succeeds again, and nothing for a plain success without on_success', async () => {
    const n = notifier({ onFailure: [ntfy.url()] });
    await n.notify(succeeded('app/sqlite-data'));
    await n.flush();
    expect(ntfy.requests).toHaveLength(0);
    await n.notify(failed('app/sqlite-data'));
    await n.notify(succeeded('app/sqlite-data'));
    const messages = await ntfy.waitFor(2);
    expect(messages.map((m) => m.headers.title)).toEqual(['baqup: backup failed: app/sqlite-data', 'baqup: backup recovered: app/sqlite-data']);
    expect(messages[1]!.headers.priority).toBe('3');
    expect(messages[1]!.body).toMatch(/^✓ app\/sqlite-data \(daily\): recovered after \d+s$/);
  });

  it('sends one message per success when on_success is set, with a Bearer token', async () => {
    const url = ntfy.url('/done').replace('http://', `http://:${TOKEN}@`);
    const n = notifier({ onFailure: [ntfy.url('/alerts')], onSuccess: [url] });
    await n.notify(succeeded());
    expect(ntfy.requests).toHaveLength(1);
    expect(ntfy.requests[0]).toMatchObject({ method: 'POST', path: '/done', body: '✓ db/postgres-main (daily): backup succeeded' });
    expect(ntfy.requests[0]!.headers).toMatchObject({
      title: 'baqup: backup succeeded: db/postgres-main',
      priority: '3',
      authorization: `Bearer ${TOKEN}`,
    });
    await logLines();
  });

  it('accepts the token as ?token= and keeps it out of the URL it posts to', async () => {
    const n = notifier({ onFailure: [`${ntfy.url('/topic')}?token=${TOKEN}`] });
    await n.notify(failed());
    expect(ntfy.requests).toHaveLength(1);
    expect(ntfy.requests[0]!.path).toBe('/topic');
    expect(ntfy.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('coalesces a burst of 200 failing targets into one message', async () => {
    const n = notifier({ onFailure: [ntfy.url()] });
    const all = Array.from({ length: 200 }, (_, i) => n.notify(failed(`c${String(i).padStart(3, '0')}/postgres-main`)));
    await Promise.all(all);
    expect(ntfy.requests).toHaveLength(1);
    expect(ntfy.requests[0]!.headers.title).toBe('baqup: 200 backups failing (200 failed)');
    const lines = ntfy.requests[0]!.body.split('\n');
    expect(lines).toHaveLength(26);
    expect(lines.at(-1)).toBe('… and 175 more');
  });
});

describe('delivery failures', () => {
  it('retries a 500 and delivers on the next attempt: two requests, one message', async () => {
    ntfy.respondWith(500);
    const n = notifier({ onFailure: [ntfy.url()] });
    await n.notify(failed());
    expect(ntfy.requests.map((r) => r.path)).toEqual(['/topic', '/topic']);
    expect(ntfy.requests[0]!.body).toBe(ntfy.requests[1]!.body);
    expect(ntfy.delivered).toHaveLength(1);
    expect((await logLines()).filter((l) => l.event === 'notify.failed')).toEqual([]);
  });

  it('gives up after the retry limit on a server that keeps failing, and logs notify.failed', async () => {
    ntfy.respondWith(503, 503, 503, 503);
    const n = notifier({ onFailure: [ntfy.url().replace('http://', `http://phil:${encodeURIComponent(PASSWORD)}@`)] });
    await n.notify(failed());
    expect(ntfy.requests).toHaveLength(3);
    expect(ntfy.delivered).toHaveLength(0);
    const failures = (await logLines()).filter((l) => l.event === 'notify.failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ level: 'error', error: { code: 'BAQUP_NOTIFY_FAILED' } });
    expect(String((failures[0]!.error as { message: string }).message)).toMatch(/failed after 3 attempts: HTTP 503 \(Service Unavailable\)$/);
    // got names the full URL in its errors; the log line names only the masked channel.
    expect(JSON.stringify(failures[0])).not.toContain('/topic');
  });

  it('resolves when the server is down, logs notify.failed, and no credential reaches a log line', async () => {
    const port = await closedPort();
    const n = notifier({
      onFailure: [`ntfy://phil:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/topic?insecure`, `http://127.0.0.1:${port}/t2?token=${TOKEN}`],
    });
    await expect(n.notify(failed())).resolves.toBeUndefined();
    const lines = await logLines();
    const failures = lines.filter((l) => l.event === 'notify.failed');
    expect(failures).toHaveLength(2);
    for (const line of failures) {
      expect(line.error).toMatchObject({ code: 'BAQUP_NOTIFY_FAILED' });
      expect(String((line.error as { message: string }).message)).toContain('ECONNREFUSED');
      expect(JSON.stringify(line)).not.toMatch(/\/topic|\/t2|token=/);
      expect(String(line.notifier)).toMatch(/^ntfy http:\/\/127\.0\.0\.1:\d+\/(top)?\*\*\* \(with credentials\)$/);
    }
    expect(lines.length).toBeGreaterThanOrEqual(2);
  });
});

describe('digest', () => {
  it('repeats the targets still failing on the digest interval', async () => {
    const n = notifier({ onFailure: [ntfy.url()], digestIntervalMs: 300 });
    await n.notify(failed('a/fs-config'));
    const [, digest] = await ntfy.waitFor(2);
    expect(digest!.headers.title).toBe('baqup: 1 backup still failing');
    expect(digest!.body).toMatch(/^✗ a\/fs-config \(daily\): failing since \S+ \(\d+s\): BAQUP_DUMP_FAILED pg_dump exited with code 1$/);
  });
});
