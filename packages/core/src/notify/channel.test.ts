import { describe, expect, it } from 'vitest';
import { NotifyUrlError } from '../errors/index.js';
import { parseChannel, schemeProblem } from './channel.js';
import { splitChannelList } from './list.js';

const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;

describe('parseChannel: ntfy and webhooks', () => {
  it.each([
    ['ntfy://ntfy.sh/my-alerts', 'ntfy', 'https://ntfy.sh/my-alerts', undefined, 'ntfy https://ntfy.sh/my-***'],
    ['ntfys://ntfy.example.org/backups', 'ntfy', 'https://ntfy.example.org/backups', undefined, 'ntfy https://ntfy.example.org/bac***'],
    ['ntfy://10.0.0.2:8080/topic?insecure', 'ntfy', 'http://10.0.0.2:8080/topic', undefined, 'ntfy http://10.0.0.2:8080/top***'],
    ['ntfy://10.0.0.2:8080/topic?scheme=http', 'ntfy', 'http://10.0.0.2:8080/topic', undefined, 'ntfy http://10.0.0.2:8080/top***'],
    ['http://127.0.0.1:9999/topic', 'ntfy', 'http://127.0.0.1:9999/topic', undefined, 'ntfy http://127.0.0.1:9999/top***'],
    ['https://push.example/sub/ab', 'ntfy', 'https://push.example/sub/ab', undefined, 'ntfy https://push.example/sub/***'],
    ['ntfy://phil:my%20pass@ntfy.example/t1', 'ntfy', 'https://ntfy.example/t1', basic('phil', 'my pass'), 'ntfy https://ntfy.example/*** (with credentials)'],
    ['ntfy://:tk_abc123@ntfy.example/t1', 'ntfy', 'https://ntfy.example/t1', 'Bearer tk_abc123', 'ntfy https://ntfy.example/*** (with credentials)'],
    ['ntfy://ntfy.example/t1?token=tk_q1&x=1', 'ntfy', 'https://ntfy.example/t1?x=1', 'Bearer tk_q1', 'ntfy https://ntfy.example/*** (with credentials)'],
    ['ntfy://tk_user@ntfy.example/t1', 'ntfy', 'https://ntfy.example/t1', 'Bearer tk_user', 'ntfy https://ntfy.example/*** (with credentials)'],
    ['ntfy://h.example/t1?auth=QmVhcmVyIHRrX2F1dGg', 'ntfy', 'https://h.example/t1', 'Bearer tk_auth', 'ntfy https://h.example/*** (with credentials)'],
    ['webhook+https://hooks.example/api/123/SECRETPATH', 'webhook', 'https://hooks.example/api/123/SECRETPATH', undefined, 'webhook https://hooks.example/***'],
    ['webhook+http://u:p@127.0.0.1:81/', 'webhook', 'http://127.0.0.1:81/', basic('u', 'p'), 'webhook http://127.0.0.1:81 (with credentials)'],
    ['generic://hooks.example/in', 'webhook', 'https://hooks.example/in', undefined, 'webhook https://hooks.example/***'],
    ['generic://hooks.example/in?disabletls=yes', 'webhook', 'http://hooks.example/in', undefined, 'webhook http://hooks.example/***'],
    ['generic+http://127.0.0.1:5/in', 'webhook', 'http://127.0.0.1:5/in', undefined, 'webhook http://127.0.0.1:5/***'],
    ['json://127.0.0.1:5/in', 'webhook', 'http://127.0.0.1:5/in', undefined, 'webhook http://127.0.0.1:5/***'],
    ['jsons://hooks.example/in', 'webhook', 'https://hooks.example/in', undefined, 'webhook https://hooks.example/***'],
  ])('%s', (spec, kind, url, authorization, displayName) => {
    const channel = parseChannel(spec);
    expect(channel).toMatchObject({ kind, displayName });
    expect(channel.url.reveal()).toBe(url);
    expect(channel.headers.Authorization?.reveal()).toBe(authorization);
  });

  it('takes ntfy priority, tags, click and title from the URL (they win over the defaults)', () => {
    const channel = parseChannel('ntfy://ntfy.example/t?priority=max&tags=floppy_disk,nas&click=https://nas.example/&title=NAS');
    expect(channel.params).toEqual({ priority: '5', tags: 'floppy_disk,nas', click: 'https://nas.example/', title: 'NAS' });
    expect(channel.url.reveal()).toBe('https://ntfy.example/t');
    expect(parseChannel('https://ntfy.sh/t?priority=2').params.priority).toBe('2');
    expect(() => parseChannel('ntfy://ntfy.example/t?priority=11')).toThrow(/priority "11" is not one of 1-5/);
  });

  it('reads webhook headers from @Name= (shoutrrr) and +Name= (Apprise) and from {url, headers}', () => {
    const a = parseChannel('generic+https://hooks.example/in?@X-Api-Key=k-1&+Authorization=Bearer%20abc&keep=1');
    expect(a.headers['X-Api-Key']?.reveal()).toBe('k-1');
    expect(a.headers.Authorization?.reveal()).toBe('Bearer abc');
    expect(a.url.reveal()).toBe('https://hooks.example/in?keep=1');
    const b = parseChannel({ url: 'https://hooks.example/in', headers: { 'X-Api-Key': 'k-123456' } });
    expect(b.kind).toBe('webhook');
    expect(b.headers['X-Api-Key']?.reveal()).toBe('k-123456');
    expect(JSON.stringify(b)).not.toContain('k-123456');
  });

  it('never shows a credential in the display name or when the channel is logged', () => {
    for (const spec of ['ntfy://phil:hunter2pw@h/t', 'ntfy://:tk_secret9@h/t', 'ntfy://h/t?token=tk_secret9', 'ntfy://h/t?auth=QmFzaWM']) {
      const channel = parseChannel(spec);
      const shown = `${channel.displayName} ${JSON.stringify(channel)}`;
      for (const secret of ['hunter2pw', 'tk_secret9', 'QmFzaWM']) expect(shown).not.toContain(secret);
      expect(channel.secrets.length).toBeGreaterThan(0);
    }
  });
});

describe('parseChannel: services', () => {
  it.each([
    ['gotify://gotify.example:443/AzyoeNS.D4iJLVa/?title=Great+News&priority=1', 'gotify', 'https://gotify.example/message', { title: 'Great News', priority: '1' }],
    ['gotify://example.com/path/to/gotify/AzyoeNSD4iJLVa', 'gotify', 'https://example.com/path/to/gotify/message', {}],
    ['gotify://10.0.0.5:8080/AppTok?disabletls=yes', 'gotify', 'http://10.0.0.5:8080/message', {}],
    ['gotifys://gotify.example/AppTok', 'gotify', 'https://gotify.example/message', {}],
    ['discord://tok-EN_abc@123456789012', 'discord', 'https://discord.com/api/webhooks/123456789012/tok-EN_abc', {}],
    ['discord://123456789012/tok-EN_abc?username=NAS', 'discord', 'https://discord.com/api/webhooks/123456789012/tok-EN_abc', { username: 'NAS' }],
    ['https://discord.com/api/webhooks/123456789012/tok-EN_abc', 'discord', 'https://discord.com/api/webhooks/123456789012/tok-EN_abc', {}],
    ['telegram://110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw@telegram?chats=@mychannel,12345', 'telegram', 'https://api.telegram.org/bot110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage', { chats: '@mychannel,12345' }],
    ['tgram://110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/-1001234/', 'telegram', 'https://api.telegram.org/bot110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage', { chats: '-1001234' }],
    ['telegram://1:abc@telegram?chats=5&notification=no', 'telegram', 'https://api.telegram.org/bot1:abc/sendMessage', { chats: '5', silent: 'true' }],
    ['slack://T0001/B0002/XXXX3', 'slack', 'https://hooks.slack.com/services/T0001/B0002/XXXX3', {}],
    ['slack://backupbot@T0001/B0002/XXXX3/#ops', 'slack', 'https://hooks.slack.com/services/T0001/B0002/XXXX3', { username: 'backupbot', channel: '#ops' }],
    ['slack://hook:T0001-B0002-XXXX3@webhook?channel=ops', 'slack', 'https://hooks.slack.com/services/T0001/B0002/XXXX3', { channel: '#ops' }],
    ['https://hooks.slack.com/services/T0001/B0002/XXXX3', 'slack', 'https://hooks.slack.com/services/T0001/B0002/XXXX3', {}],
    ['slack+https://chat.example/hooks/abc', 'slack', 'https://chat.example/hooks/abc', {}],
    ['mattermost://bot@mm.example/bywsw8zt5jgpte3nm65qjiru6h/backups', 'mattermost', 'https://mm.example/hooks/bywsw8zt5jgpte3nm65qjiru6h', { username: 'bot', channel: 'backups' }],
    ['mmost://mm.example:8065/bywsw8zt5jgpte3nm65qjiru6h', 'mattermost', 'http://mm.example:8065/hooks/bywsw8zt5jgpte3nm65qjiru6h', {}],
    ['apprise://apprise.lan:8000/baqup?tags=admins', 'apprise', 'http://apprise.lan:8000/notify/baqup', { tags: 'admins' }],
    ['apprises://apprise.example/sub/mykey', 'apprise', 'https://apprise.example/sub/notify/mykey', {}],
  ])('%s', (spec, kind, url, params) => {
    const channel = parseChannel(spec);
    expect(channel.kind).toBe(kind);
    expect(channel.url.reveal()).toBe(url);
    expect(channel.params).toMatchObject(params);
    // Tokens (path or user info) are secrets and never in the display name.
    const shown = `${channel.displayName} ${JSON.stringify(channel)}`;
    for (const token of ['AzyoeNS', 'tok-EN_abc', 'AAHdqTcv', 'XXXX3', 'bywsw8zt', 'AppTok']) expect(shown).not.toContain(token);
  });

  it('reaches fixed-host services through the apiBase seam (tests point them at loopback)', () => {
    const channel = parseChannel('discord://tok@123', { apiBase: { discord: 'http://127.0.0.1:9' } });
    expect(channel.url.reveal()).toBe('http://127.0.0.1:9/api/webhooks/123/tok');
  });

  it('reads e-mail URLs in shoutrrr form', () => {
    const channel = parseChannel('smtp://ops%40example.org:app%20pw@mail.example:587/?from=baqup@example.org&to=a@example.org,b@example.org&subject=NAS');
    expect(channel.kind).toBe('email');
    expect(channel.smtp).toMatchObject({ host: 'mail.example', port: 587, secure: false, starttls: 'opportunistic', user: 'ops@example.org', from: 'baqup@example.org', to: ['a@example.org', 'b@example.org'], subject: 'NAS' });
    expect(channel.smtp?.password?.reveal()).toBe('app pw');
    expect(JSON.stringify(channel)).not.toContain('app pw');
    expect(parseChannel('smtps://mail.example/?from=a@b.c&to=d@e.f').smtp).toMatchObject({ port: 465, secure: true });
    expect(parseChannel('smtp://mail.example/?from=a@b.c&to=d@e.f&encryption=ExplicitTLS').smtp).toMatchObject({ port: 25, starttls: 'required' });
    expect(parseChannel('smtp://127.0.0.1:2525/?from=a@b.c&to=d@e.f&usestarttls=no').smtp).toMatchObject({ starttls: 'off' });
  });

  it.each([
    ['ntfy.sh/topic', /scheme:\/\/host\/path/],
    ['mailto://x@y', /unsupported notification scheme "mailto" \(expected one of: ntfy, ntfys, http, https, gotify/],
    ['ntfy://ntfy.sh', /has no topic/],
    ['ntfy://ntfy.sh/', /has no topic/],
    ['ntfy://us:pw-in-bad-url@[bad/t', /not a valid URL/],
    ['gotify://gotify.example', /no application token/],
    ['discord://pw-in-bad-url@notanid', /discord:\/\/token@webhook-id/],
    ['telegram://pw-in-bad-url@telegram?chats=1', /no bot token/],
    ['telegram://1:pw-in-bad-url@telegram', /names no chat/],
    ['slack://pw-in-bad-url/B', /slack:\/\/TokenA\/TokenB\/TokenC/],
    ['mattermost://mm.example', /no webhook token/],
    ['apprise://apprise.lan', /no configuration key/],
    ['smtp://u:pw-in-bad-url@mail.example/?to=a@b.c', /needs a sender address/],
    ['smtp://mail.example/?from=a@b.c', /needs recipients/],
    ['smtp://mail.example/?from=a@b.c&to=nobody', /recipient "nobody" is not an e-mail address/],
    ['smtp://mail.example/?from=a@b.c&to=a@b.c&encryption=ssl', /encryption "ssl" is not one of/],
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
    expect((thrown as NotifyUrlError).code).toBe(NotifyUrlError.code);
  });

  it('names unknown schemes for config validation', () => {
    expect(schemeProblem('discord://x@1')).toBeUndefined();
    expect(schemeProblem('pushover://x')).toMatch(/unsupported notification scheme "pushover".*smtp, smtps, apprise, apprises/);
  });

  it('splits a label list on whitespace and on commas that start a URL', () => {
    expect(splitChannelList('ntfy://h/a, discord://t@1 telegram://1:a@telegram?chats=1,2')).toEqual(['ntfy://h/a', 'discord://t@1', 'telegram://1:a@telegram?chats=1,2']);
  });
});
