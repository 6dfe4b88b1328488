// Pure choices: which target a name means, which backup `--at` means.
import { TARGET_TYPES, type TargetType } from '@baqup/core';

/** `postgres-main` → {postgres, main}; undefined when the text does not start with a known type. */
export function splitTargetKey(text: string): { type: TargetType; instance: string } | undefined {
  for (const type of TARGET_TYPES) {
    if (text.startsWith(`${type}-`) && text.length > type.length + 1) return { type, instance: text.slice(type.length + 1) };
  }
  return undefined;
}

const COMPACT = /^\d{8}T\d{6}Z$/;

/** `--at` as a compact timestamp: accepts `20240115T030000Z`, ISO `2024-01-15T03:00:00Z`; undefined for `latest`/ids. */
export function normalizeAt(at: string): string | undefined {
  if (COMPACT.test(at)) return at;
  const d = new Date(at);
  if (/^\d{4}-\d{2}-\d{2}/.test(at) && !Number.isNaN(d.getTime())) return d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  return undefined;
}

export interface Timed {
  timestamp: string;
  /** restic snapshot id (full), when the entry is a snapshot. */
  snapshotId?: string;
}

/**
 * The entry `at` names among `entries` (oldest first): `latest`/undefined → the newest; a timestamp → the exact one;
 * a restic snapshot id prefix (≥ 6 hex) → that snapshot. Undefined when none matches.
 */
export function pickAt<T extends Timed>(entries: readonly T[], at: string | undefined): T | undefined {
  if (entries.length === 0) return undefined;
  if (at === undefined || at === 'latest') return entries.at(-1);
  const ts = normalizeAt(at);
  if (ts !== undefined) return [...entries].reverse().find((e) => e.timestamp === ts);
  if (/^[0-9a-f]{6,64}$/.test(at)) return entries.find((e) => e.snapshotId?.startsWith(at));
  return undefined;
}
