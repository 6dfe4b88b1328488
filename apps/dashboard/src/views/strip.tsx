// A target's last 30 days, one cell a day: green all succeeded, red any failed, empty no run.
import { useDays } from '../data.js';
import { bytes } from '../format.js';

export function Strip({ container, target }: { container: string; target: string }) {
  const days = useDays(container, target);
  if (!days.data || days.data.length === 0) return <span className="muted">—</span>;
  const failed = days.data.filter((d) => d.failed > 0).length;
  return (
    <span className="strip" role="img" aria-label={`last ${days.data.length} days: ${days.data.filter((d) => d.runs > 0).length} with runs, ${failed} with failures`}>
      {days.data.map((d) => (
        <i key={d.day} className={d.failed > 0 ? 'bad' : d.succeeded > 0 ? 'ok' : ''} title={`${d.day}: ${d.succeeded} ok, ${d.failed} failed${d.stored_bytes ? `, ${bytes(d.stored_bytes)}` : ''}`} />
      ))}
    </span>
  );
}
