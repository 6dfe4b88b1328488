import { describe, expect, it } from 'vitest';
import { NotifyUrlError } from '../errors/index.js';
import { parsePing } from './ping.js';

describe('parsePing', () => {
  it.each([
    ['https://hc-ping.com/0d338dcc-a054-11ec-b909-0242ac120002', 'healthchecks', 'https://hc-ping.com/0d338dcc-a054-11ec-b909-0242ac120002'],
    ['https://hc-ping.com/0d338dcc-a054-11ec-b909-0242ac120002/fail', 'healthchecks', 'https://hc-ping.com/0d338dcc-a054-11ec-b909-0242ac120002'],
    ['https://hc-ping.com/pingkey-abc/db-backup', 'healthchecks', 'https://hc-ping.com/pingkey-abc/db-backup'],
    ['https://hc.example/ping/0d338dcc-a054-11ec-b909-0242ac120002', 'healthchecks', 'https://hc.example/ping/0d338dcc-a054-11ec-b909-0242ac120002'],
    ['hc+http://127.0.0.1:8000/pk/slug', 'healthchecks', 'http://127.0.0.1:8000/pk/slug'],
    ['https://kuma.example/api/push/Ab12Cd?status=up&msg=OK&ping=', 'uptime-kuma', 'https://kuma.example/api/push/Ab12Cd'],
    ['kuma+http://127.0.0.1:3001/custom/Ab12Cd', 'uptime-kuma', 'http://127.0.0.1:3001/custom/Ab12Cd'],
  ])('%s', (raw, kind, url) => {
    const ping = parsePing(raw);
    expect(ping.kind).toBe(kind);
    expect(ping.url.reveal()).toBe(url);
    expect(ping.displayName).not.toMatch(/0d338dcc-a054|Ab12Cd|db-backup/);
  });

  it.each([
    ['https://example.org/whatever', /not a ping URL baqup knows/],
    ['ftp://hc-ping.com/x', /unsupported ping scheme "ftp"/],
    ['foo+https://hc-ping.com/x', /unsupported ping scheme "foo\+https"/],
  ])('rejects %s', (raw, message) => {
    expect(() => parsePing(raw)).toThrow(NotifyUrlError);
    expect(() => parsePing(raw)).toThrow(message);
  });
});
