// `baqup suggest`'s human output: per service what was recognised and the labels to add, in compose's YAML form.
import type { Suggestion } from '@baqup/core';
import { targetName } from '@baqup/core';

export interface SuggestRow {
  service: string;
  image: string;
  suggestion: Suggestion;
}

const yamlValue = (v: string): string => (/^[A-Za-z0-9_./-]+$/.test(v) && !/^(true|false|yes|no|on|off|null|~|[0-9.]+)$/i.test(v) ? v : JSON.stringify(v));

export function renderSuggestions(rows: readonly SuggestRow[], empty: string): string {
  if (rows.length === 0) return empty;
  const lines: string[] = [];
  for (const { service, image, suggestion: s } of rows) {
    const head = `${service} (${image})`;
    if (s.status === 'protected') lines.push(`${head}: already backed up (backup.enabled=true)`);
    else if (s.status === 'none') lines.push(`${head}: nothing recognised to back up`);
    else {
      lines.push(`${head}: ${s.targets.map((t) => targetName(t)).join(', ')}`);
      for (const t of s.targets) lines.push(`  ${targetName(t)}: ${t.reason}`);
      lines.push('  labels:');
      for (const [k, v] of Object.entries(s.labels)) lines.push(`    ${k}: ${yamlValue(v)}`);
      for (const p of s.problems) lines.push(`  problem: ${p.label}: ${p.message}`);
    }
    for (const n of s.notes) lines.push(`  note: ${n}`);
  }
  return lines.join('\n');
}
