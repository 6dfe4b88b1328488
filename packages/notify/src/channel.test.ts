import { describe, expect, it } from 'vitest';
import { parseChannel } from './channel.js';
import { NotifyUrlError } from './errors.js';

const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;

describe('parseChannel', () => {
  it.each([
    ['ntfy://ntfy.sh/my-alerts', 'ntfy', 'https://ntfy.sh/my-alerts', undefined, 'ntfy https://ntfy.sh/my-***'],
    ['ntfys://ntfy.example.org/backups', 'ntfy', 'https://ntfy.example.org/backups', undefined, 'ntfy https://ntfy.example.org/bac***'],
    ['ntfy://10.0.0.2:8080/topic?insecure', 'ntfy', 'http://10.0.0.2:8080/topic', undefined, 'ntfy http://10.0.0.2:8080/top***'],
    ['http://127.0.0.1:9999/topic', 'ntfy', 'http://127.0.0.1:9999/topic', undefined, 'ntfy http://127.0.0.1:9999/top***'],
    ['https://push.example/sub/ab', 'ntfy', 'https://push.example/sub/ab', undefined, 'ntfy https://push.example/sub/***'],
    ['ntfy://phil:my%20pass@ntfy.example/t1', 'ntfy', 'https://ntfy.example/t1', basic('phil', 'my pass'), 'ntfy https://ntfy.example/*** (with credentials)'],
    ['ntfy://:tk_abc123@ntfy.example/t1', 'ntfy', 'https://ntfy.example/t1', 'Bearer tk_abc123', 'ntfy https://ntfy.example/*** (with credentials)'],
    ['ntfy://ntfy.example/t1?token=tk_q1&x=1', 'ntfy', 'https://ntfy.example/t1?x=1', 'Bearer tk_q1', 'ntfy https://ntfy.example/*** (with credentials)'],
    ['ntfy://tk_user@ntfy.example/t1', 'ntfy', 'https://ntfy.example/t1', 'Bearer tk_user', 'ntfy https://ntfy.example/*** (with credentials)'],
    ['ntfy://h.example/t1?auth=QmVhcmVyIHRrX2F1dGg', 'ntfy', 'https://h.example/t1', 'Bearer tk_auth', 'ntfy https://h.example/*** (with credentials)'],
    ['webhook+https://hooks.example/api/123/SECRETPATH', 'webhook', 'https://hooks.example/api/123/SECRETPATH', undefined, 'webhook https://hooks.example/***'],
    ['webhook+http://u:p@127.0.0.1:81/', 'webhook', 'http://127.0.0.1:81/', basic('u', 'p'), 'webhook http://127.0.0.1:81 (with credentials)'],
  ])('%s', (spec, kind, url, authorization, displayName) => {
    const channel = parseChannel(spec);
    expect(channel).toMatchObject({ kind, url, displayName });
    expect(channel.headers.Authorization?.reveal()).toBe(authorization);
  });

  it('never shows a credential in the display name or when the channel is logged', () => {
    for (const spec of ['ntfy://phil:hunter2pw@h/t', 'ntfy://:tk_secret9@h/t', 'ntfy://h/t?token=tk_secret9', 'ntfy://h/t?auth=QmFzaWM']) {
      const channel = parseChannel(spec);
      const shown = `${channel.displayName} ${JSON.stringify(channel)}`;
      for (const secret of ['hunter2pw', 'tk_secret9', 'QmFzaWM']) expect(shown).not.toContain(secret);
      expect(channel.secrets.length).toBeGreaterThan(0);
    }
  });

  it('takes a webhook entry with headers; header values are secrets', () => {
    const channel = parseChannel({ url: 'https://hooks.example/in', headers: { 'X-Api-Key': 'k-123456' } });
    expect(channel.kind).toBe('webhook');
    expect(channel.headers['X-Api-Key']?.reveal()).toBe('k-123456');
    expect(channel.secrets.map((s) => s.reveal())).toEqual(['k-123456']);
    expect(JSON.stringify(channel)).not.toContain('k-123456');
  });

  it.each([
    ['ntfy.sh/topic', /scheme:\/\/host\/path/],
    ['mailto://x@y', /unsupported notification scheme "mailto"/],
    ['ntfy://ntfy.sh', /has no topic/],
    ['ntfy://ntfy.sh/', /has no topic/],
    ['ntfy://us:pw-in-bad-url@[bad/t', /not a valid URL/],
  ])('rejects %s without echoing it', (spec, message) => {
    let thrown: unknown;
    try {
      parseChannel(spec);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(NotifyUrlError);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).not.toContain('pw-in-bad-url');
    expect((thrown as NotifyUrlError).code).toBe('BAQUP_NOTIFY_URL_INVALID');
  });
});
