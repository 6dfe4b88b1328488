// Is everything on this host protected? The verdict first, then the counts, the stream, and what needs fixing.
import { useActions } from '../actions.js';
import { ago } from '../format.js';
import { verdict } from '../model.js';
import { useRows } from './use-rows.js';
import { Unprotected } from './unprotected.js';
import { useUnprotected } from '../data.js';

export function Overview() {
  const { containers, status, counts: c, loading, error } = useRows();
  const { streamState } = useActions();
  const unprotected = useUnprotected();
  if (loading) return <p aria-busy="true">Loading…</p>;
  if (error) return <p className="bad" role="alert">Could not read the controller: {error.message}</p>;
  const v = verdict(c, containers);
  const problems = containers.flatMap((x) => x.errors.map((e) => ({ container: x.name, ...e })));
  const cells: Array<[string, number, string]> = [
    ['ok', c.ok, 'ok'],
    ['overdue', c.overdue, 'warn'],
    ['failing', c.failing, 'bad'],
    ['unverified', c.unverified, 'muted'],
    ['running', c.running, 'info'],
  ];
  return (
    <section aria-labelledby="verdict">
      <h1 id="verdict" className={`verdict ${v.ok ? 'ok' : v.attention > 0 ? 'bad' : 'muted'}`} data-testid="verdict">{v.text}</h1>
      <ul className="counts" aria-label="Targets by state">
        {cells.map(([name, n, tone]) => (
          <li key={name} className={n > 0 ? tone : 'muted'} data-testid={`count-${name}`}>
            <strong>{n}</strong> {name}
          </li>
        ))}
      </ul>
      <dl className="facts">
        <dt>Targets</dt>
        <dd>{c.targets} in {containers.length} container{containers.length === 1 ? '' : 's'}{c.pending > 0 ? ` · ${c.pending} never backed up` : ''}</dd>
        <dt>Unprotected</dt>
        <dd className={(unprotected.data?.containers.length ?? 0) > 0 ? 'warn' : ''} data-testid="unprotected-count">
          {unprotected.data ? (unprotected.data.containers.length === 0 ? 'no running database without backup labels' : <a href="#unprotected-title">{unprotected.data.containers.length} running database{unprotected.data.containers.length === 1 ? '' : 's'} without backup labels</a>) : '—'}
        </dd>
        <dt>Docker</dt>
        <dd className={status?.docker.connected ? '' : 'bad'}>{status ? (status.docker.connected ? `connected (${status.docker.address})` : `not reachable: ${status.docker.lastError ?? status.docker.address}`) : '—'}</dd>
        <dt>Live updates</dt>
        <dd>{streamState.phase === 'connected' ? 'connected' : streamState.phase}{streamState.lastResync ? ` · last resync ${ago(streamState.lastResync)}` : ''}</dd>
        {status?.halted && (
          <>
            <dt>Halted</dt>
            <dd className="bad">{status.halted}</dd>
          </>
        )}
        {(status?.held?.length ?? 0) > 0 && (
          <>
            <dt>Held stopped</dt>
            <dd className="warn">{status!.held!.map((h) => `${h.name} (${h.status} since ${ago(h.since)})`).join(', ')}</dd>
          </>
        )}
      </dl>
      <h2>Label problems</h2>
      {problems.length === 0 ? (
        <p className="muted">None: every backup.* label was understood.</p>
      ) : (
        <ul className="problems" data-testid="label-problems">
          {problems.map((p, i) => (
            <li key={i}>
              <strong>{p.container}</strong> <code>{p.label}={p.value}</code>: {p.message}
              {p.suggestion && <> — did you mean <code>{p.suggestion}</code>?</>}
              {p.expected && !p.suggestion && <> (expected {p.expected})</>}
            </li>
          ))}
        </ul>
      )}
      <Unprotected />
    </section>
  );
}
