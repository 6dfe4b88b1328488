// Turns a batch into the messages one channel receives: at most one "problem" and one "ok" message per burst.
import type { Batch, NotifyItem } from './decide.js';

export type MessageKind = 'failure' | 'ok' | 'digest';

export interface Message {
  kind: MessageKind;
  title: string;
  /** Plain text, one line per target, capped so it fits an ntfy message (4 KiB). */
  body: string;
  /** ntfy priority: 4 (high) for failures and digests, 3 (default) for good news. */
  priority: 3 | 4;
  tags: string[];
  items: NotifyItem[];
  time: number;
}

export interface ChannelRoles {
  failures: boolean;
  successes: boolean;
}

const MAX_LINES = 25;
const MAX_BODY = 3800;
const MAX_ERROR = 300;

/** `3d 4h`, `2h 5m`, `40s`: how long something lasted, for recovery and digest lines. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s % 60}s`;
  return `${s}s`;
}

/** `12.3 MiB`: a backup's size for a message line. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** `(12.3 MiB in 4s)`, `(after 2m 5s)`: what a job result says about size and time. */
function sizeAndTime(item: NotifyItem): string {
  const took = item.durationSeconds !== undefined ? formatDuration(item.durationSeconds * 1000) : undefined;
  if (item.bytes !== undefined) return ` (${formatBytes(item.bytes)}${took ? ` in ${took}` : ''})`;
  return took ? ` (after ${took})` : '';
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function line(item: NotifyItem, digest: boolean): string {
  const name = item.schedule ? `${item.target} (${item.schedule})` : item.target;
  const error = item.error ? `${item.error.code} ${clip(item.error.message.replace(/\s+/g, ' '), MAX_ERROR)}` : undefined;
  const failingFor = item.since !== undefined ? `failing since ${iso(item.since)} (${formatDuration(item.at - item.since)})` : '';
  switch (item.event) {
    case 'job.failed':
      return `✗ ${name}: ${[digest ? failingFor : '', error ?? 'failed'].filter(Boolean).join(': ')}${digest ? '' : sizeAndTime(item)}`;
    case 'target.stale':
      return `⏳ ${name}: ${[digest ? failingFor : '', item.reason ?? 'no recent successful backup'].filter(Boolean).join(': ')}`;
    case 'target.recovered':
      return `✓ ${name}: recovered${item.since !== undefined ? ` after ${formatDuration(item.at - item.since)}` : ''}${item.bytes !== undefined ? sizeAndTime(item) : ''}`;
    case 'job.succeeded':
      return `✓ ${name}: backup succeeded${sizeAndTime(item)}`;
    case 'container.start_failed':
      return `✗ ${item.container}: left stopped — baqup stopped it for a backup and could not start it again${error ? `: ${error}` : ''}; retrying until it runs`;
    case 'container.started':
      return `✓ ${item.container}: running again${item.since !== undefined ? ` after ${formatDuration(item.at - item.since)} down` : ''}`;
  }
}

function body(items: NotifyItem[], digest: boolean): string {
  const lines = items.slice(0, MAX_LINES).map((item) => line(item, digest));
  if (items.length > MAX_LINES) lines.push(`… and ${items.length - MAX_LINES} more`);
  return clip(lines.join('\n'), MAX_BODY);
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function failureMessage(source: string, items: NotifyItem[], time: number): Message {
  const failed = items.filter((i) => i.event === 'job.failed' || i.event === 'container.start_failed').length;
  const stale = items.length - failed;
  const only = items.length === 1 ? items[0] : undefined;
  const title = only
    ? only.event === 'container.start_failed'
      ? `${source}: container left stopped: ${only.container}`
      : `${source}: ${only.event === 'job.failed' ? 'backup failed' : 'backup overdue'}: ${only.target}`
    : `${source}: ${count(items.length, 'backup')} failing (${[failed ? `${failed} failed` : '', stale ? `${stale} overdue` : ''].filter(Boolean).join(', ')})`;
  const tags = failed > 0 ? ['rotating_light', 'backup'] : ['hourglass', 'backup'];
  return { kind: 'failure', title, body: body(items, false), priority: 4, tags, items, time };
}

function okMessage(source: string, items: NotifyItem[], time: number): Message {
  const recovered = items.filter((i) => i.event === 'target.recovered' || i.event === 'container.started').length;
  const only = items.length === 1 ? items[0] : undefined;
  const title = only
    ? only.event === 'container.started'
      ? `${source}: container running again: ${only.container}`
      : `${source}: backup ${only.event === 'target.recovered' ? 'recovered' : 'succeeded'}: ${only.target}`
    : `${source}: ${count(items.length, 'backup')} ok${recovered ? ` (${recovered} recovered)` : ''}`;
  return { kind: 'ok', title, body: body(items, false), priority: 3, tags: ['white_check_mark', 'backup'], items, time };
}

/** The messages one channel gets for a batch, given what it listens for. */
export function composeMessages(batch: Batch, roles: ChannelRoles, source: string, time: number): Message[] {
  if (batch.kind === 'digest') {
    if (!roles.failures || batch.items.length === 0) return [];
    const title = `${source}: ${count(batch.items.length, 'backup')} still failing`;
    return [{ kind: 'digest', title, body: body(batch.items, true), priority: 4, tags: ['warning', 'backup'], items: batch.items, time }];
  }
  const problems = roles.failures ? batch.items.filter((i) => i.event === 'job.failed' || i.event === 'target.stale' || i.event === 'container.start_failed') : [];
  const recovered = roles.failures ? batch.items.filter((i) => i.event === 'target.recovered' || i.event === 'container.started') : [];
  const recoveredTargets = new Set(recovered.map((i) => i.target));
  // A channel told "recovered" for a target does not also get "succeeded" for it.
  const succeeded = roles.successes
    ? batch.items.filter((i) => i.event === 'job.succeeded' && !recoveredTargets.has(i.target))
    : [];
  const good = [...recovered, ...succeeded];
  const messages: Message[] = [];
  if (problems.length > 0) messages.push(failureMessage(source, problems, time));
  if (good.length > 0) messages.push(okMessage(source, good, time));
  return messages;
}
