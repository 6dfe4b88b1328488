import type { ResticContext } from './restic-exec.js';
import { tagFilterArgs } from './restic-policy.js';

export interface ResticSnapshot {
  id: string;
  shortId: string;
  time: Date;
  host: string;
  tags: string[];
  paths: string[];
}

interface RawSnapshot {
  id: string;
  short_id?: string;
  time: string;
  hostname: string;
  tags?: string[] | null;
  paths: string[];
}

/** `restic snapshots --json`, optionally only those carrying all `tags` (and of `host`); oldest first. */
export async function listSnapshots(ctx: ResticContext, filter: { tags?: string[]; host?: string } = {}): Promise<ResticSnapshot[]> {
  const args = ['snapshots', '--json', '--no-lock', ...tagFilterArgs(filter.tags ?? []), ...(filter.host ? ['--host', filter.host] : [])];
  const raw = JSON.parse((await ctx.run(args)) || '[]') as RawSnapshot[] | null;
  return (raw ?? [])
    .map((s) => ({ id: s.id, shortId: s.short_id ?? s.id.slice(0, 8), time: new Date(s.time), host: s.hostname, tags: s.tags ?? [], paths: s.paths }))
    .sort((a, b) => a.time.getTime() - b.time.getTime());
}
