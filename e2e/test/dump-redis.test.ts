// @baqup/dump redis against a real server with a password: BGSAVE + wait + RDB copied out through the archive
// API, then loaded by a fresh container of the same image (RDB put into /data before its start) and compared.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secret, type TargetConfig } from '@baqup/core';
import { ensureImage, execIn, startContainer, useCleanup, type TestContainer } from '../src/index.js';
import { dumpEnv, dumpToFile, makeJob, recordEvents, runOperator, until, type Env } from './dump-fixtures.js';

useCleanup();

const PASSWORD = `rd-${randomBytes(9).toString('hex')}`;
let image: string;
let src: TestContainer;
let env: Env;

const FILL = "for i=1,5000 do redis.call('SET','k'..i,'v'..i) end redis.call('HSET','h','a','1','b','2') redis.call('RPUSH','l','x','y','z') return 1";
const DIGEST = [
  "local ks=redis.call('KEYS','*') table.sort(ks) local acc={}",
  "for _,k in ipairs(ks) do local t=redis.call('TYPE',k).ok",
  "if t=='string' then acc[#acc+1]=k..'='..redis.call('GET',k)",
  "elseif t=='hash' then local h=redis.call('HGETALL',k) acc[#acc+1]=k..'='..table.concat(h,',')",
  "elseif t=='list' then acc[#acc+1]=k..'='..table.concat(redis.call('LRANGE',k,0,-1),',') end end",
  "return #ks..':'..redis.sha1hex(table.concat(acc,'|'))",
].join(' ');

function cmd(): string[] {
  return ['redis-server', '--dir', '/data', '--dbfilename', 'dump.rdb', '--protected-mode', 'no', '--requirepass', PASSWORD];
}

async function cli(c: TestContainer, ...args: string[]): Promise<string> {
  const r = await execIn(c, ['redis-cli', '--no-auth-warning', ...args], { env: { REDISCLI_AUTH: PASSWORD } });
  if (r.exitCode !== 0) throw new Error(`redis-cli ${args[0]}: ${r.stderr}`);
  return r.stdout.trim();
}

async function started(): Promise<TestContainer> {
  // The password is passed as a server option (argv of the *container*, not of any exec: fine for a test).
  const c = await startContainer({ image, cmd: cmd(), wait: false });
  await until('redis to answer', async () => (await cli(c, 'PING').catch(() => '')) === 'PONG');
  return c;
}

beforeAll(async () => {
  image = await ensureImage('redis');
  env = await dumpEnv();
  src = await started();
  expect(await cli(src, 'EVAL', FILL, '0')).toBe('1');
});

afterAll(async () => env?.dispose());

function target(extra: Partial<TargetConfig> = {}): Partial<TargetConfig> & Pick<TargetConfig, 'type'> {
  return { type: 'redis', port: 6379, path: '/data', password: { kind: 'literal', value: new Secret(PASSWORD) }, ...extra };
}

describe('redis dump', () => {
  it('BGSAVE + RDB copy loads into a fresh redis with the same keys', async () => {
    const events = await recordEvents();
    const before = await cli(src, 'INFO', 'persistence');
    const { dumped, data } = await dumpToFile(env.deps, makeJob(src, target()), join(env.dir, 'dump.rdb'));
    expect(dumped.extension).toBe('rdb');
    expect(dumped.toolVersions['redis-cli']).toMatch(/^redis-cli \d/);
    expect(dumped.toolVersions.redis).toMatch(/^\d+\.\d+/);
    expect(data.subarray(0, 5).toString()).toBe('REDIS');
    // Our BGSAVE really ran (not just a copy of an older file).
    const saves = (s: string) => Number(/rdb_saves:(\d+)/.exec(s)?.[1] ?? /rdb_last_save_time:(\d+)/.exec(s)?.[1]);
    expect(saves(await cli(src, 'INFO', 'persistence'))).toBeGreaterThan(saves(before));

    const fresh = await started();
    await fresh.container.stop();
    const pack = tar.pack();
    pack.entry({ name: 'dump.rdb', mode: 0o644 }, data);
    pack.finalize();
    await fresh.container.putArchive(pack as unknown as Readable, { path: '/data' });
    await fresh.container.start();
    await until('fresh redis to answer', async () => (await cli(fresh, 'PING').catch(() => '')) === 'PONG');
    expect(await cli(fresh, 'EVAL', DIGEST, '0')).toBe(await cli(src, 'EVAL', DIGEST, '0'));
    expect(await cli(fresh, 'DBSIZE')).toBe('5002');

    const log = await events.stop();
    expect(log).toContain('BGSAVE');
    expect(log).not.toContain(PASSWORD);
  });

  it('a wrong password is a JobFailed naming the auth error, not the password', async () => {
    const wrong = `wrong-${randomBytes(6).toString('hex')}`;
    const out = await runOperator(env.deps, makeJob(src, target({ password: { kind: 'literal', value: new Secret(wrong) } })));
    expect(out.kind).toBe('failed');
    if (out.kind !== 'failed') return;
    expect(out.result.error?.code).toBe('BAQUP_DUMP_FAILED');
    expect(out.result.error?.message).toMatch(/WRONGPASS|NOAUTH|invalid password/);
    expect(out.result.error?.message).not.toContain(wrong);
  });
});
