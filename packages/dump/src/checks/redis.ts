// Redis key counts per database from `INFO keyspace` (`db0:keys=3,expires=1,avg_ttl=0`).
import type { Secret, TargetConfig } from '@baqup/core';
import { redisCli } from '../engines/redis.js';
import { checkOutput, type CheckRun } from './runner.js';

export function parseKeyspace(text: string): Record<string, { keys: number; expires: number }> {
  const out: Record<string, { keys: number; expires: number }> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^(db\d+):keys=(\d+),expires=(\d+)/.exec(line.trim());
    if (m) out[m[1]!] = { keys: Number(m[2]), expires: Number(m[3]) };
  }
  return out;
}

export async function redisKeyspace(run: CheckRun, target: TargetConfig, password?: Secret): Promise<Record<string, { keys: number; expires: number }>> {
  const text = await checkOutput(run, redisCli(target, 'INFO', 'keyspace'), password ? { REDISCLI_AUTH: password } : {});
  if (/^(\(error\) )?(ERR|NOAUTH|WRONGPASS|NOPERM|LOADING)\b/.test(text)) throw new Error(`redis INFO keyspace: ${text.split('\n')[0]}`);
  return parseKeyspace(text);
}
