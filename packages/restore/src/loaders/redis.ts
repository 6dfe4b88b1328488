// Redis: ask the running server where its RDB lives (and refuse when it loads an AOF at start, which would
// ignore the RDB), decompress the RDB to a host temp file, stage it beside the RDB under a hidden temp name, stop
// the container (journalled), link it in place (files.ts: never a half-written RDB under its name) with the owner of
// the one it replaces, start it, and wait until redis has loaded it.
import { setTimeout as sleep } from 'node:timers/promises';
import { posix } from 'node:path';
import type { Secret } from '@baqup/core';
import { parseConfigGet, redisCli } from '@baqup/dump';
import { RestoreFailedError, RestoreRefusedError } from '../errors.js';
import type { Loader, LoadContext } from './context.js';
import { runOk } from './exec-stdin.js';
import { decompressToTemp, dropStaged, ownerOf, stageFile, swapIn } from './files.js';

function env(ctx: LoadContext): Record<string, Secret> {
  return ctx.password ? { REDISCLI_AUTH: ctx.password } : {};
}

async function cli(ctx: LoadContext, ...command: string[]): Promise<string> {
  const out = await runOk(ctx, redisCli(ctx.target, ...command), env(ctx));
  if (/^(\(error\) )?(ERR|NOAUTH|WRONGPASS|NOPERM)\b/.test(out)) throw new RestoreFailedError(`redis ${command.join(' ')}: ${out.split('\n')[0]}`);
  return out;
}

export const loadRedis: Loader = async (ctx) => {
  let dir = ctx.target.path ?? '/data';
  let file = 'dump.rdb';
  if (ctx.running) {
    try {
      dir = parseConfigGet(await cli(ctx, 'CONFIG', 'GET', 'dir'), 'dir') ?? dir;
      file = parseConfigGet(await cli(ctx, 'CONFIG', 'GET', 'dbfilename'), 'dbfilename') ?? file;
      const aof = parseConfigGet(await cli(ctx, 'CONFIG', 'GET', 'appendonly'), 'appendonly');
      if (aof === 'yes') throw new RestoreRefusedError(`redis in ${ctx.containerName} runs with appendonly yes: it would load its AOF at start and ignore the restored RDB; disable AOF (appendonly no) for the restore, then re-enable it`);
    } catch (err) {
      if (err instanceof RestoreRefusedError) throw err;
      throw new RestoreRefusedError(`cannot ask redis in ${ctx.containerName} where its RDB lives (${err instanceof Error ? err.message : String(err)}); nothing was touched`);
    }
  } else {
    ctx.note(`container not running: RDB written to ${dir}/${file} (target path); AOF setting not checked`);
  }
  const local = await decompressToTemp(ctx, 'restore.rdb');
  const dest = posix.join(dir, file);
  const owner = (await ownerOf(ctx, dest)) ?? (await ownerOf(ctx, dir));
  // Staged while redis runs; linked in place only once it is stopped (its shutdown save rewrites dump.rdb).
  const staged = await stageFile(ctx, dir, file, local, owner ? { ...owner, mode: owner.mode & 0o777 || 0o644 } : undefined);
  try {
    const release = await ctx.holds.hold(ctx.containerId, ctx.containerName);
    try {
      await swapIn(ctx, staged);
    } finally {
      await release();
    }
  } finally {
    await dropStaged(ctx, staged);
  }
  ctx.note(`replaced ${dest} (${local.size} bytes, staged then linked in place)${ctx.running ? '; container stopped and started again' : ''}`);
  if (!ctx.running) return;
  // Redis answers LOADING while it reads the file: wait until it serves, then report what it holds.
  for (let i = 0; i < 240; i++) {
    const r = await ctx.docker.execToCompletion(ctx.containerId, redisCli(ctx.target, 'DBSIZE'), { env: env(ctx), signal: ctx.signal }).catch(() => undefined);
    const out = r?.stdout.trim() ?? '';
    if (r?.exitCode === 0 && /^\(integer\) \d+$|^\d+$/.test(out)) {
      ctx.note(`redis serves again with ${out.replace(/\D/g, '')} keys`);
      return;
    }
    await sleep(250, undefined, { signal: ctx.signal });
  }
  throw new RestoreFailedError(`redis in ${ctx.containerName} did not answer within 60 s after the restore; see its log`);
};
