// The generic JSON webhook against a real HTTP server on 127.0.0.1: body shape, configured headers, retry on 5xx.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Secret, type BackupResult } from '@baqup/core';
import { createNotifier, type Notifier } from '@baqup/notify';
import { captureLog, startFakeNtfy, type CapturedLog, type FakeNtfy } from './notify-fixtures.js';

const API_KEY = 'whk-9d8c7b6a5f';

/** A core BackupResult as the pipeline emits it, to check notify reads it directly. */
function result(success: boolean): BackupResult {
  const schedule = { name: 'nightly', cron: '0 3 * * *', retention: { keepLast: 7 } };
  return {
    job: {
      id: 'job-1',
      container: {
        containerId: 'abc', containerName: 'nextcloud-db', image: 'postgres:16', enabled: true, stop: false,
        schedules: { nightly: schedule }, targets: [], errors: [],
      },
      target: {
        type: 'postgres', instance: 'main', schedule: 'nightly', compress: 'zstd', timeoutSeconds: 3600, properties: {},
        password: { kind: 'literal', value: new Secret('db-password-never-sent') },
      },
      schedule,
      triggeredAt: new Date(),
      trigger: 'schedule',
    },
    success,
    durationSeconds: 12,
    ...(success ? { bytes: 1024 } : { error: { code: 'BAQUP_DUMP_FAILED', message: 'pg_dump: connection refused' } }),
  };
}

let server: FakeNtfy;
let log: CapturedLog;
let notifier: Notifier | undefined;

beforeEach(async () => {
  server = await startFakeNtfy();
  log = captureLog();
});

afterEach(async () => {
  await notifier?.close();
  await server.close();
});

describe('webhook', () => {
  it('POSTs one JSON document per state change with the configured headers, retrying a 502', async () => {
    server.respondWith(502);
    notifier = createNotifier({
      webhook: { url: server.url('/hooks/baqup'), headers: { 'X-Api-Key': API_KEY } },
      windowMs: 0,
      digestIntervalMs: 0,
      logger: log.logger,
      http: { retryBaseDelayMs: 10, retryMaxDelayMs: 50 },
    });
    await notifier.notify(result(false));
    await notifier.notify(result(false));
    expect(server.requests).toHaveLength(2);
    expect(server.delivered).toHaveLength(1);
    const [request] = server.delivered;
    expect(request).toMatchObject({ method: 'POST', path: '/hooks/baqup' });
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['x-api-key']).toBe(API_KEY);
    const body = JSON.parse(request!.body) as Record<string, unknown>;
    expect(body).toMatchObject({
      source: 'baqup',
      kind: 'failure',
      event: 'job.failed',
      status: 'failed',
      container: 'nextcloud-db',
      target: 'nextcloud-db/postgres-main',
      schedule: 'nightly',
      error: { code: 'BAQUP_DUMP_FAILED', message: 'pg_dump: connection refused' },
      count: 1,
    });
    expect(new Date(String(body.time)).toISOString()).toBe(body.time);
    expect(request!.body).not.toContain('db-password-never-sent');

    // The webhook hears successes too: the recovery and the success fold into one "ok" document.
    await notifier.notify(result(true));
    expect(server.delivered).toHaveLength(2);
    const ok = JSON.parse(server.delivered[1]!.body) as Record<string, unknown>;
    expect(ok).toMatchObject({ kind: 'ok', event: 'target.recovered', status: 'ok', target: 'nextcloud-db/postgres-main', count: 1 });

    await log.logger.flush();
    expect(log.lines.join('\n')).not.toContain(API_KEY);
    expect(log.json().filter((line) => line.event === 'notify.failed')).toEqual([]);
  });

  it('takes notifications.webhook as a plain URL string (as the config writes it) and posts JSON, not ntfy text', async () => {
    notifier = createNotifier({ webhook: server.url('/plain'), windowMs: 0, digestIntervalMs: 0, logger: log.logger });
    await notifier.notify({ kind: 'target.stale', container: 'media', target: 'media/sqlite-library', schedule: 'daily', reason: 'no backup for 3d' });
    expect(server.delivered).toHaveLength(1);
    expect(server.delivered[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(server.delivered[0]!.body)).toMatchObject({
      kind: 'failure', event: 'target.stale', status: 'failed', target: 'media/sqlite-library', reason: 'no backup for 3d',
    });
  });
});
