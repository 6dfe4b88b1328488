import { describe, expect, it } from 'vitest';
import { composeMessages, formatDuration } from './compose.js';
import type { NotifyItem } from './decide.js';
import { headerValue, ntfyRequest, webhookRequest } from './deliver.js';
import { parseChannel } from './channel.js';
import { DEFAULT_HTTP_POLICY, retryDelay } from './http-post.js';

const HOUR = 3_600_000;
const item = (event: NotifyItem['event'], target: string, extra: Partial<NotifyItem> = {}): NotifyItem => ({
  event, container: target.split('/')[0]!, target, schedule: 'daily', at: 10 * HOUR, ...extra,
});
const both = { failures: true, successes: true };

describe('composeMessages', () => {
  it('one failure: high priority, the target in the title, code and message in the body', () => {
    const [message, ...rest] = composeMessages(
      { kind: 'alert', items: [item('job.failed', 'db/postgres-main', { error: { code: 'BAQUP_DUMP_FAILED', message: 'pg_dump exited 1' } })] },
      both, 'baqup', 0,
    );
    expect(rest).toEqual([]);
    expect(message).toMatchObject({
      kind: 'failure', priority: 4, tags: ['rotating_light', 'backup'],
      title: 'baqup: backup failed: db/postgres-main',
      body: '✗ db/postgres-main (daily): BAQUP_DUMP_FAILED pg_dump exited 1',
    });
  });

  it('a container left stopped, and running again: named in the title, the error in the body', () => {
    const { schedule: _s, ...down } = item('container.start_failed', 'db/container-start', { since: 9 * HOUR, error: { code: 'BAQUP_DUMP_RESTART_FAILED', message: 'container db did not start' } });
    const [failure] = composeMessages({ kind: 'alert', items: [down] }, both, 'baqup', 0);
    expect(failure).toMatchObject({ kind: 'failure', priority: 4, title: 'baqup: container left stopped: db' });
    expect(failure!.body).toBe('✗ db: left stopped — baqup stopped it for a backup and could not start it again: BAQUP_DUMP_RESTART_FAILED container db did not start; retrying until it runs');
    const [ok] = composeMessages({ kind: 'alert', items: [{ ...down, event: 'container.started' }] }, both, 'baqup', 0);
    expect(ok).toMatchObject({ kind: 'ok', title: 'baqup: container running again: db', body: '✓ db: running again after 1h 0m down' });
  });

  it('a burst: one problem message and one ok message, counts in titles, body capped at 25 lines', () => {
    const items = [
      ...Array.from({ length: 30 }, (_, i) => item('job.failed', `c${i}/pg-main`)),
      item('target.stale', 'x/fs-data', { reason: 'no successful backup for 2d' }),
      item('target.recovered', 'r/redis-cache', { since: 8 * HOUR }),
      item('job.succeeded', 'r/redis-cache'),
      item('job.succeeded', 's/sqlite-app'),
    ];
    const messages = composeMessages({ kind: 'alert', items }, both, 'baqup@nas', 0);
    expect(messages.map((m) => m.title)).toEqual(['baqup@nas: 31 backups failing (30 failed, 1 overdue)', 'baqup@nas: 2 backups ok (1 recovered)']);
    const [problems, good] = messages;
    expect(problems!.body.split('\n')).toHaveLength(26);
    expect(problems!.body).toMatch(/… and 6 more$/);
    expect(good!.body).toBe('✓ r/redis-cache (daily): recovered after 2h 0m\n✓ s/sqlite-app (daily): backup succeeded');
    expect(good!.priority).toBe(3);
  });

  it('routes by role: failure-only channels get no successes, success-only channels no failures or recoveries', () => {
    const batch = { kind: 'alert' as const, items: [item('job.failed', 'a/x'), item('target.recovered', 'b/y'), item('job.succeeded', 'b/y')] };
    expect(composeMessages(batch, { failures: true, successes: false }, 'baqup', 0).map((m) => m.items.map((i) => i.event))).toEqual([
      ['job.failed'], ['target.recovered'],
    ]);
    expect(composeMessages(batch, { failures: false, successes: true }, 'baqup', 0).map((m) => m.items.map((i) => i.event))).toEqual([
      ['job.succeeded'],
    ]);
  });

  it('digest lists how long each target has been failing; only failure listeners get it', () => {
    const batch = { kind: 'digest' as const, items: [item('job.failed', 'a/x', { since: 10 * HOUR - 50 * HOUR, error: { code: 'C', message: 'm' } })] };
    const [digest] = composeMessages(batch, both, 'baqup', 0);
    expect(digest).toMatchObject({ kind: 'digest', title: 'baqup: 1 backup still failing', priority: 4 });
    expect(digest!.body).toBe('✗ a/x (daily): failing since 1969-12-30T08:00:00Z (2d 2h): C m');
    expect(composeMessages(batch, { failures: false, successes: true }, 'baqup', 0)).toEqual([]);
  });

  it('formats durations', () => {
    expect([0, 40_000, 125_000, 2 * HOUR + 300_000, 74 * HOUR].map(formatDuration)).toEqual(['0s', '40s', '2m 5s', '2h 5m', '3d 2h']);
  });
});

describe('requests', () => {
  const message = composeMessages({ kind: 'alert', items: [item('job.failed', 'db/pg-main')] }, both, 'baqup', Date.UTC(2026, 10, 21))[0]!;

  it('ntfy: text body, Title/Priority/Tags/Click headers, credentials only in Authorization', () => {
    const request = ntfyRequest(parseChannel('ntfy://:tk_abc@ntfy.example/alerts'), message, { source: 'baqup', clickUrl: 'https://baqup.lan/' });
    expect(request).toEqual({
      url: 'https://ntfy.example/alerts',
      body: '✗ db/pg-main (daily): failed',
      headers: {
        'Content-Type': 'text/plain; charset=utf-8',
        Title: 'baqup: backup failed: db/pg-main',
        Priority: '4',
        Tags: 'rotating_light,backup',
        Click: 'https://baqup.lan/',
        Authorization: 'Bearer tk_abc',
      },
    });
  });

  it('encodes non-ASCII header text as RFC 2047', () => {
    expect(headerValue('plain')).toBe('plain');
    expect(headerValue('Sicherung fehlgeschlagen: bücher')).toBe(`=?UTF-8?B?${Buffer.from('Sicherung fehlgeschlagen: bücher').toString('base64')}?=`);
  });

  it('webhook: one JSON document, the single target also at top level', () => {
    const request = webhookRequest(parseChannel({ url: 'https://hooks.example/in', headers: { 'X-Key': 'k' } }), message, { source: 'baqup' });
    expect(request.headers).toEqual({ 'Content-Type': 'application/json', 'X-Key': 'k' });
    expect(JSON.parse(request.body)).toMatchObject({
      source: 'baqup', kind: 'failure', event: 'job.failed', status: 'failed', container: 'db', target: 'db/pg-main', schedule: 'daily',
      title: 'baqup: backup failed: db/pg-main', time: '2026-11-21T00:00:00.000Z', count: 1,
      items: [{ event: 'job.failed', target: 'db/pg-main', time: '1970-01-01T10:00:00.000Z' }],
    });
  });
});

describe('retryDelay', () => {
  it('doubles from the base, capped, and honours Retry-After up to the cap', () => {
    const policy = { ...DEFAULT_HTTP_POLICY, retryBaseDelayMs: 1_000, retryMaxDelayMs: 5_000 };
    expect([1, 2, 3, 4].map((n) => retryDelay(n, policy))).toEqual([1_000, 2_000, 4_000, 5_000]);
    expect(retryDelay(1, policy, 3_000)).toBe(3_000);
    expect(retryDelay(1, policy, 60_000)).toBe(5_000);
  });
});
