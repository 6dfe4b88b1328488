// Redis: BGSAVE, wait until that snapshot is written, then copy the RDB file out through the archive API.
// Not `redis-cli --rdb -`: it waits ~5 s and appends junk bytes to stdout. The password travels in
// REDISCLI_AUTH (exec env), never argv.
import { setTimeout as sleep } from 'node:timers/promises';
import { posix } from 'node:path';
import type { TargetConfig } from '@baqup/core';
import { openFile } from '../archive-file.js';
import { DumpFailedError, SnapshotFailedError } from '../errors.js';
import { execFailure } from '@baqup/docker';
import { run, toolVersion, type ToolEnv } from '../tool.js';
import { collectChecks, ready } from '../checks/collect.js';
import { redisKeyspace } from '../checks/redis.js';
import { parseConfigGet, parseInfo, saveFinished, saveState, type SaveState } from './redis-info.js';
import type { Engine, EngineContext, PlanStep, RestorePlan } from './types.js';

const ERROR_REPLY = /^(\(error\) )?(ERR|NOAUTH|WRONGPASS|NOPERM|LOADING|MISCONF|BUSY|READONLY)\b/;
const POLL_MS = 250;

export function redisCli(target: TargetConfig, ...command: string[]): string[] {
  return ['redis-cli', '--no-auth-warning', '-p', String(target.port ?? 6379), ...(target.username ? ['--user', target.username] : []), ...command];
}

function env(ctx: EngineContext): ToolEnv {
  return ctx.password ? { REDISCLI_AUTH: ctx.password } : {};
}

/** Run a redis-cli command; an error reply (redis-cli may still exit 0 on one) or a non-zero exit throws. */
async function cli(ctx: EngineContext, ...command: string[]): Promise<string> {
  const argv = redisCli(ctx.target, ...command);
  const r = await run(ctx, argv, env(ctx));
  const first = r.stdout.split('\n')[0] ?? '';
  if (r.exitCode !== 0 || ERROR_REPLY.test(first)) {
    const failure = execFailure(argv, r.exitCode, `${r.stderr}\n${first}`, ctx.password ? [ctx.password] : []);
    throw new DumpFailedError(`redis ${command[0]} failed: ${failure.message}`);
  }
  return r.stdout;
}

async function persistence(ctx: EngineContext): Promise<SaveState> {
  return saveState(parseInfo(await cli(ctx, 'INFO', 'persistence')));
}

/** BGSAVE and wait for that snapshot; a save already running is waited out and then ours is started. */
async function snapshot(ctx: EngineContext): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    let before = await persistence(ctx);
    while (before.inProgress) {
      await sleep(POLL_MS, undefined, { signal: ctx.signal });
      before = await persistence(ctx);
    }
    // Without rdb_saves (Redis < 7) only the save time tells saves apart: never start one in the same second.
    if (before.saves === undefined && Math.floor(Date.now() / 1000) <= before.lastSaveTime) await sleep(1100, undefined, { signal: ctx.signal });
    const argv = redisCli(ctx.target, 'BGSAVE');
    const reply = await run(ctx, argv, env(ctx));
    if (/in progress/i.test(reply.stdout)) continue;
    if (reply.exitCode !== 0 || ERROR_REPLY.test(reply.stdout)) {
      const failure = execFailure(argv, reply.exitCode, `${reply.stderr}\n${reply.stdout}`, ctx.password ? [ctx.password] : []);
      throw new DumpFailedError(`redis BGSAVE failed: ${failure.message}`);
    }
    for (;;) {
      await sleep(POLL_MS, undefined, { signal: ctx.signal });
      const now = await persistence(ctx);
      if (!saveFinished(before, now)) continue;
      if (!now.lastStatusOk) throw new SnapshotFailedError('redis BGSAVE failed (rdb_last_bgsave_status:err); see the redis log');
      return;
    }
  }
  throw new SnapshotFailedError('redis kept another background save running; no snapshot of ours was taken');
}

/** Where the server writes its RDB: CONFIG GET, else the target's path (default /data) and dump.rdb. */
async function rdbPath(ctx: EngineContext): Promise<string> {
  const get = async (name: string) => parseConfigGet(await cli(ctx, 'CONFIG', 'GET', name).catch(() => ''), name);
  const dir = (await get('dir')) ?? ctx.target.path ?? '/data';
  const file = (await get('dbfilename')) ?? 'dump.rdb';
  return posix.resolve(dir, file);
}

export const redis: Engine = {
  extension: 'rdb',

  async dump(ctx) {
    const cliVersion = await toolVersion(ctx, ['redis-cli', '--version']);
    const server = parseInfo(await cli(ctx, 'INFO', 'server')).get('redis_version') ?? 'unknown';
    // Just before the snapshot: keys written or expired in between are why a drill allows `expires` fewer keys.
    const checks = await collectChecks('key counts', ctx.logger, async () => ({ keyspace: await redisKeyspace((argv, e) => run(ctx, argv, e), ctx.target, ctx.password) }));
    await snapshot(ctx);
    const path = await rdbPath(ctx);
    const file = await openFile(ctx.files, path);
    return { stream: file.stream, extension: 'rdb', toolVersions: { 'redis-cli': cliVersion, redis: server }, checks: ready(checks) };
  },

  plan(target): PlanStep[] {
    const env = target.password ? ['REDISCLI_AUTH'] : [];
    return [
      { action: 'exec', description: 'server version', argv: redisCli(target, 'INFO', 'server'), env },
      { action: 'exec', description: 'start a snapshot', argv: redisCli(target, 'BGSAVE'), env },
      { action: 'poll', description: 'wait until the snapshot is written', argv: redisCli(target, 'INFO', 'persistence'), env },
      { action: 'exec', description: 'find the RDB file', argv: redisCli(target, 'CONFIG', 'GET', 'dir'), env },
      { action: 'read-file', description: 'copy the RDB file out', path: `${target.path ?? '/data'}/dump.rdb (or CONFIG GET dir/dbfilename)` },
    ];
  },

  restore(target): RestorePlan {
    const dir = target.path ?? '/data';
    return {
      steps: [
        { action: 'exec', description: 'where the RDB lives, and refuse with appendonly yes', argv: redisCli(target, 'CONFIG', 'GET', 'dir'), env: target.password ? ['REDISCLI_AUTH'] : [] },
        { action: 'write-file', description: 'stage the RDB beside it under a hidden temp name', path: `${dir}/.dump.rdb.baqup-restore-<random>`, stdin: true },
        { action: 'stop', description: 'stop the redis container (it would overwrite the file on shutdown)' },
        { action: 'write-file', description: 'link the RDB name to the staged file', path: `${dir}/dump.rdb` },
        { action: 'start', description: 'start the container; redis loads the RDB at start' },
        { action: 'remove-file', description: 'remove the temp name', path: `${dir}/.dump.rdb.baqup-restore-<random>` },
      ],
      notes: ['With appendonly yes, redis loads the AOF instead of the RDB: disable AOF for the first start, then re-enable it.'],
    };
  },
};
