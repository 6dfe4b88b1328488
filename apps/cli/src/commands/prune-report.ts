// What `baqup prune` prints: per target and side, what was found, kept (and why: "daily 3/7, weekly 2/4",
// "manual (last 2/5)") and deleted. Kept apart from the command's argument parsing so the report survives a rewrite of it.
import type { BackupTrigger, RetentionPolicy } from '@baqup/core';
import type { SidePruneResult } from '@baqup/prune';

export interface KeptReport {
  /** Relative path (staging, remote) or short snapshot id (restic). */
  path: string;
  group: BackupTrigger;
  /** `daily 3/7, weekly 2/4`, `manual (last 2/5)`. */
  why: string;
}

export interface SideReport {
  side: 'staging' | 'remote' | 'restic';
  listed: number;
  /** How many were kept (the same count as before keep reasons existed). */
  kept: number;
  /** Each kept backup and the rule that keeps it. */
  keep: KeptReport[];
  /** Relative paths (staging, remote) or snapshot ids (restic). */
  deleted: string[];
  error?: { code: string; message: string };
}

export interface TargetReport {
  container: string;
  target: string;
  schedule: string;
  policy: RetentionPolicy;
  /** Policies of the target's manual backups and safety copies. */
  trigger_policies: { manual: RetentionPolicy; safety: RetentionPolicy };
  sides: SideReport[];
}

/** A prune side's result as reported (kept entries with their reason text). */
export function sideReport(s: SidePruneResult): SideReport {
  return {
    side: s.side,
    listed: s.listed,
    kept: s.kept.length,
    keep: s.kept.map((k) => ({ path: k.path, group: k.group, why: k.why })),
    deleted: s.deleted,
    ...(s.error ? { error: s.error } : {}),
  };
}

export const describePolicy = (p: RetentionPolicy): string =>
  Object.entries(p).map(([k, v]) => `${k.replace(/^keep/, 'keep ').toLowerCase()} ${String(v)}`).join(', ') || 'keep everything';

/** The text report; with `dryRun` each kept backup is listed with the rule that keeps it. */
export function renderPrune(reports: TargetReport[], dryRun: boolean): string {
  const verb = dryRun ? 'would delete' : 'deleted';
  const out: string[] = [];
  for (const r of reports) {
    out.push(`${r.container}/${r.target} (schedule ${r.schedule}: ${describePolicy(r.policy)})`);
    out.push(`  manual backups: ${describePolicy(r.trigger_policies.manual)}; safety copies: ${describePolicy(r.trigger_policies.safety)}`);
    for (const s of r.sides) {
      if (s.error) {
        out.push(`  ${s.side}: FAILED: ${s.error.message}${s.deleted.length ? ` (after ${s.deleted.length} deleted)` : ''}`);
        continue;
      }
      out.push(`  ${s.side}: ${s.listed} found, ${s.kept} kept, ${verb} ${s.deleted.length}`);
      if (dryRun) for (const k of [...s.keep].sort((a, b) => (a.path < b.path ? 1 : -1))) out.push(`    keep ${k.path}: ${k.why}`);
      for (const d of s.deleted) out.push(`    ${verb} ${d}`);
    }
  }
  return out.join('\n');
}
