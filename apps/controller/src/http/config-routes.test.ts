// GET /api/config over a real socket: the effective config, and not one secret of it — api.token, the restic
// password, notification tokens and header values, ping tokens, URL passwords, inline rclone keys.
import { afterEach, describe, expect, it } from 'vitest';
import { createRedactor, resolveConfig, silentLogger } from '@baqup/core';
import { configRoutes, maskRemote, maskUrlCredentials, safeConfig } from './config-routes.js';
import { startApiServer } from './server.js';

const SECRETS = ['api-token-5f2a9c1e7b', 'restic-pass-8d3f2a', 'ntfytopicsecret91', 'tk_hdr_value_77aa', 'hc-uuid-0b1c2d3e4f', 'repo-pw-19zq', 'AKIASECRETKEY123', 'kuma-push-abc999', 'click-pw-42xy'];

const config = resolveConfig({
  api: { listen: '127.0.0.1:0', token: SECRETS[0], protect_reads: true },
  upload: {
    backend: 'rclone',
    remote: `:s3,provider=AWS,access_key_id=${SECRETS[6]},secret_access_key=${SECRETS[6]}x:bucket/baqup`,
    restic: { repository: `rest:https://baqup:${SECRETS[5]}@backup.example/repo`, password: SECRETS[1] },
  },
  notifications: {
    on_failure: [`ntfy://ntfy.example/${SECRETS[2]}`],
    on_success: [`ntfy://user:${SECRETS[8]}@ntfy.example/alerts`],
    webhook: { url: 'https://hooks.example/baqup', headers: { Authorization: `Bearer ${SECRETS[3]}` } },
    ping: [`https://hc-ping.com/${SECRETS[4]}`, `kuma+https://kuma.example/api/push/${SECRETS[7]}`],
    click_url: `https://admin:${SECRETS[8]}@dash.example/`,
  },
}, {});

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

describe('GET /api/config', () => {
  it('answers the effective config with no secret in it (behind protect_reads)', async () => {
    const redactor = createRedactor([SECRETS[0]!]);
    const api = await startApiServer({ listen: '127.0.0.1:0', logger: silentLogger, token: SECRETS[0], protectReads: true, routes: [configRoutes(config, (t) => redactor.redact(t))] });
    closers.push(api.close);
    expect((await fetch(`http://${api.address}/api/config`)).status).toBe(401);
    const res = await fetch(`http://${api.address}/api/config`, { headers: { authorization: `Bearer ${SECRETS[0]}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const s of SECRETS) expect(text).not.toContain(s);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON answer walked by key
    const body = JSON.parse(text) as { config: Record<string, any> };
    expect(body.config.api).toMatchObject({ token: '[redacted]', protect_reads: true, listen: '127.0.0.1:0' });
    expect(body.config.upload.restic.password).toBe('[redacted]');
    expect(body.config.upload.restic.repository).toBe('rest:https://baqup:***@backup.example/repo');
    expect(body.config.upload.remote).toBe(':s3,provider=***,access_key_id=***,secret_access_key=***:bucket/baqup');
    expect(body.config.notifications.on_failure).toEqual([expect.stringMatching(/^ntfy https:\/\/ntfy\.example\/ntf\*\*\*/)]);
    expect(body.config.notifications.webhook).toHaveLength(1);
    expect(body.config.notifications.ping).toHaveLength(2);
    expect(body.config.staging.path).toBe(config.staging.path);
    expect(body.config.defaults.schedules).toEqual(JSON.parse(JSON.stringify(config.defaults.schedules)));
  });

  it('masks credentials in URLs and inline rclone remotes, and leaves a named remote alone', () => {
    expect(maskUrlCredentials('https://u:p@h/x')).toBe('https://u:***@h/x');
    expect(maskUrlCredentials('https://tok@h/x')).toBe('https://***@h/x');
    expect(maskUrlCredentials('/srv/backups')).toBe('/srv/backups');
    expect(maskRemote('b2:bucket/baqup')).toBe('b2:bucket/baqup');
    expect(maskRemote('/srv/backups')).toBe('/srv/backups');
    expect(maskRemote(':sftp,host=nas,pass=hunter2:/backups')).toBe(':sftp,host=***,pass=***:/backups');
    const unparsable = safeConfig(resolveConfig({ notifications: { on_failure: [] } }, {}));
    expect(unparsable.notifications).toMatchObject({ on_failure: [], ping: [] });
  });
});
