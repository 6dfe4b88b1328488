// Numbers and times as people read them.
export function bytes(n: number | undefined): string {
  if (n === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** "3 min", "2 h", "5 d" between two times (ms). */
export function span(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
}

export function ago(iso: string | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? '—' : t > now ? `in ${span(t - now)}` : `${span(now - t)} ago`;
}

export function duration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : span(ms);
}

/** Throughput (bytes/s) and ETA (ms) of a running job from its bytes so far and the expected total. */
export function progress(bytesSoFar: number | undefined, expected: number | undefined, startedAt: string | undefined, now = Date.now()): { rate?: number; etaMs?: number; fraction?: number } {
  const started = startedAt ? Date.parse(startedAt) : NaN;
  const elapsed = (now - started) / 1000;
  if (bytesSoFar === undefined || Number.isNaN(started) || elapsed <= 0) return {};
  const rate = bytesSoFar / elapsed;
  if (!expected || expected <= 0) return { rate };
  const fraction = Math.min(1, bytesSoFar / expected);
  return { rate, fraction, ...(rate > 0 && bytesSoFar < expected ? { etaMs: ((expected - bytesSoFar) / rate) * 1000 } : {}) };
}
