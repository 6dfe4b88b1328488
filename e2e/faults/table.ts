// The fault table: one row per fault, summed over its trials.
import { passed, type Trial } from './world.js';
import type { Fault } from './faults.js';

export interface Row {
  fault: Fault;
  trials: Trial[];
  /** Trials that threw (set-up or harness trouble, not a measurement): counted apart, never as passes. */
  errors: string[];
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function recovery(row: Row): string {
  const times = row.trials.map((t) => t.recoverMs).filter((m): m is number => m !== undefined).sort((a, b) => a - b);
  const never = row.trials.length - times.length;
  if (times.length === 0) return row.trials.length ? 'never' : '—';
  const median = times[Math.floor((times.length - 1) / 2)]!;
  const text = times.length === 1 ? secs(median) : `${secs(median)} median, ${secs(times[times.length - 1]!)} max`;
  return never ? `${text}; never in ${never}` : text;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderTable(rows: Row[]): string {
  const out = [
    '| fault | trials | containers left down | backups lost or partial files visible | controller crashes | time to recover | result | first failure / notes |',
    '|---|---:|---:|---:|---:|---|---|---|',
  ];
  for (const row of rows) {
    const sum = (k: 'leftDown' | 'lost' | 'crashes') => row.trials.reduce((n, t) => n + t[k], 0);
    const slow = row.trials.filter((t) => t.recoverMs !== undefined && t.recoverMs > row.fault.budgetMs).length;
    const ok = row.trials.filter((t) => passed(t) && t.recoverMs !== undefined && t.recoverMs <= row.fault.budgetMs).length;
    const total = row.trials.length + row.errors.length;
    const result = ok === total && total > 0 ? `pass ${ok}/${total}` : `**FAIL** ${total - ok}/${total}`;
    const notes = [
      ...new Set(row.trials.flatMap((t) => t.failures)),
      ...(slow ? [`recovery over the ${secs(row.fault.budgetMs)} budget in ${slow}`] : []),
      ...row.errors.map((e) => `trial error: ${e}`),
    ];
    const info = [...new Set(row.trials.flatMap((t) => t.notes))].slice(0, 1);
    out.push(
      `| ${cell(row.fault.title)} | ${total} | ${sum('leftDown')} | ${sum('lost')} | ${sum('crashes')} | ${cell(recovery(row))} | ${result} | ${cell([...notes.slice(0, 2), ...info].join('; ').slice(0, 220))} |`,
    );
  }
  return out.join('\n');
}

export function legend(rows: Row[]): string {
  return rows.map((r) => `- **${r.fault.title}** — time to recover: ${r.fault.recovery}; budget ${secs(r.fault.budgetMs)}.`).join('\n');
}
