// What runs now (bytes, throughput, ETA), what waits, and what finished since the controller started.
import { useEffect, useState } from 'react';
import { useActions } from '../actions.js';
import { useJobs } from '../data.js';
import { ago, bytes, duration, progress, span } from '../format.js';
import { useRows } from './use-rows.js';
import { targetHash } from './target.js';

/** `container/type-instance` → a link to the target's detail. */
const TargetLink = ({ k }: { k: string }) => {
  const i = k.lastIndexOf('/');
  return i > 0 ? <a href={targetHash(k.slice(0, i), k.slice(i + 1))}>{k}</a> : <>{k}</>;
};

function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

export function Activity() {
  const jobs = useJobs();
  const { containers } = useRows();
  const { backupNow, cancelJob } = useActions();
  const now = useNow(1000);
  const list = jobs.data ?? [];
  const active = list.filter((j) => j.status === 'running' || j.status === 'queued');
  const done = list.filter((j) => j.status !== 'running' && j.status !== 'queued').slice(0, 30);
  return (
    <section aria-labelledby="activity-title">
      <h1 id="activity-title">Activity</h1>
      <h2>Running and queued</h2>
      {active.length === 0 ? (
        <p className="muted" data-testid="no-active">Nothing runs now.</p>
      ) : (
        <ul className="jobs">
          {active.map((j) => {
            const p = progress(j.bytes, j.expected_bytes, j.started_at, now);
            return (
              <li key={j.job_id} data-testid="active-job" data-job={j.job_id} data-target={j.target} data-status={j.status}>
                <strong><TargetLink k={j.target} /></strong> <span className="muted">{j.trigger}</span> · {j.status}
                {j.status === 'queued' && (
                  <>
                    {' '}
                    <button type="button" className="secondary" onClick={() => cancelJob(j.job_id, j.target)} aria-label={`Cancel the queued job of ${j.target}`}>Cancel</button>
                  </>
                )}
                {j.status === 'running' && (
                  <>
                    {' '}· {bytes(j.bytes)}{j.expected_bytes ? ` of ~${bytes(j.expected_bytes)}` : ''}
                    {p.rate !== undefined && ` · ${bytes(p.rate)}/s`}
                    {p.etaMs !== undefined && ` · about ${span(p.etaMs)} left`}
                    {p.fraction !== undefined && <progress max={1} value={p.fraction} aria-label={`${j.target} progress`} />}
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <h2>Back up now</h2>
      <ul className="actions">
        {containers.map((c) => (
          <li key={c.id}>
            <button type="button" onClick={() => backupNow(c.name)} aria-label={`Back up ${c.name} now`}>{c.name}</button>
          </li>
        ))}
      </ul>
      <h2>Finished</h2>
      {done.length === 0 ? (
        <p className="muted">No job has finished since the controller started.</p>
      ) : (
        <table className="finished">
          <thead>
            <tr><th scope="col">Target</th><th scope="col">Result</th><th scope="col">Finished</th><th scope="col">Size</th><th scope="col">Duration</th></tr>
          </thead>
          <tbody>
            {done.map((j) => (
              <tr key={j.job_id} data-testid="finished-job" data-job={j.job_id} data-target={j.target} data-status={j.status} data-trigger={j.trigger}>
                <th scope="row"><TargetLink k={j.target} /> <span className="muted">{j.trigger}</span></th>
                <td className={j.status === 'succeeded' ? 'ok' : j.status === 'failed' ? 'bad' : 'muted'}>{j.status}{j.error ? `: ${j.error.message}` : j.message ? `: ${j.message}` : ''}</td>
                <td>{ago(j.finished_at, now)}</td>
                <td>{bytes(j.bytes)}</td>
                <td>{duration(j.duration_seconds !== undefined ? j.duration_seconds * 1000 : undefined)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
