// One row per target: engine, schedule and next run, the last backup, 30 days of runs, coloured by recovery point.
import { useActions } from '../actions.js';
import { ago, bytes, duration } from '../format.js';
import type { TargetRow } from '../model.js';
import { Strip } from './strip.js';
import { useRows } from './use-rows.js';
import { targetHash } from './target.js';

const TONE: Record<TargetRow['health'], string> = { ok: 'ok', overdue: 'warn', failing: 'bad', pending: 'muted' };

export function Targets() {
  const { rows, loading, error } = useRows();
  const { backupNow } = useActions();
  if (loading) return <p aria-busy="true">Loading…</p>;
  if (error) return <p className="bad" role="alert">Could not read the controller: {error.message}</p>;
  if (rows.length === 0) return <p className="muted">No targets: label a container with <code>backup.enabled=true</code> and a target.</p>;
  return (
    <section aria-labelledby="targets-title">
      <h1 id="targets-title">Targets</h1>
      <div className="table-wrap">
        <table className="targets">
          <thead>
            <tr>
              <th scope="col">Target</th>
              <th scope="col">Engine</th>
              <th scope="col">Schedule</th>
              <th scope="col">Last backup</th>
              <th scope="col">Size</th>
              <th scope="col">Duration</th>
              <th scope="col">30 days</th>
              <th scope="col"><span className="sr">Action</span></th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} className={`tone-${TONE[r.health]}`} data-testid="target-row" data-key={r.key} data-health={r.health}>
                <th scope="row">
                  <span className={`dot ${TONE[r.health]}`} aria-hidden="true" />
                  <a href={targetHash(r.container, r.target)}>{r.container} <span className="muted">{r.target}</span></a>
                  <div className="sub">{r.running ? 'running' : r.queued ? 'queued' : r.health}{r.verified ? ' · verified' : ''}</div>
                  {r.lastError && r.health === 'failing' && <div className="sub bad">{r.lastError}</div>}
                </th>
                <td data-label="Engine">{r.engine}</td>
                <td data-label="Schedule">{r.schedule}{r.cron ? <div className="sub"><code>{r.cron}</code></div> : null}<div className="sub">next {ago(r.nextRun)}</div></td>
                <td data-label="Last backup">{ago(r.lastSuccess)}</td>
                <td data-label="Size">{bytes(r.lastBytes)}</td>
                <td data-label="Duration">{duration(r.lastDurationMs)}</td>
                <td data-label="30 days"><Strip container={r.container} target={r.target} /></td>
                <td>
                  <button type="button" disabled={r.running || r.queued} onClick={() => backupNow(r.container, r.target)} aria-label={`Back up ${r.key} now`}>
                    Back up now
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
