// One target: what it is (effective config), its 30 days, size and duration per run (runs far from the usual
// marked), its run history, the backups on staging, the remote and restic (each restorable from here), its drills.
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, apiFetch } from '../api.js';
import { useActions } from '../actions.js';
import { keys, useBackups, useDrills, useJobLogs, useLabels, usePrunePreview, useRuns, type PrunePreview } from '../data.js';
import { ago, bytes, duration } from '../format.js';
import { Bars } from './chart.js';
import { Strip } from './strip.js';
import { useRows } from './use-rows.js';

export const targetHash = (container: string, target: string) => `#/target/${encodeURIComponent(container)}/${encodeURIComponent(target)}`;
export const restoreHash = (container: string, target: string, at?: string) => `#/restore/${encodeURIComponent(container)}/${encodeURIComponent(target)}${at ? `/${encodeURIComponent(at)}` : ''}`;

/** A run's log lines, fetched when opened (kept by the controller for the jobs since it started). */
function RunLogs({ id }: { id: string }) {
  const [open, setOpen] = useState(false);
  const logs = useJobLogs(id, open);
  return (
    <details className="sub" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>Log</summary>
      {!open ? null : logs.isPending ? <span aria-busy="true">Reading…</span> : logs.error ? <span className="bad">{logs.error.message}</span> : !logs.data ? (
        <span className="muted">Not kept: the controller keeps the log lines of its last 200 jobs since it started; older ones are in its log.</span>
      ) : (
        <pre className="labels" data-testid="run-log">{logs.data.map((l) => `${String(l.time).slice(11, 19)} ${String(l.level).padEnd(5)} ${String(l.msg)}${l.event ? ` [${String(l.event)}]` : ''}`).join('\n')}</pre>
      )}
    </details>
  );
}

type VerifyResult = { side: string; ok: boolean; content?: string; error?: { message: string } };

/** "Verify now": POST /api/verifications for one backup; says per copy whether it checked out. */
function VerifyButton({ container, target, at }: { container: string; target: string; at: string }) {
  const { askToken } = useActions();
  const qc = useQueryClient();
  const [state, setState] = useState<{ busy: boolean; results?: VerifyResult[]; error?: string }>({ busy: false });
  const run = () => {
    setState({ busy: true });
    apiFetch<{ results: VerifyResult[] }>('verifications', { method: 'POST', body: { container, target, at } }).then(
      (r) => {
        setState({ busy: false, results: r.results });
        void qc.invalidateQueries({ queryKey: keys.history });
      },
      (err: unknown) => {
        if (err instanceof ApiError && err.status === 401) {
          setState({ busy: false, error: 'token needed' });
          askToken(run);
        } else setState({ busy: false, error: err instanceof Error ? err.message : String(err) });
      },
    );
  };
  return (
    <>
      <button type="button" className="link" onClick={run} disabled={state.busy} aria-label={`Verify ${at}`}>{state.busy ? 'Verifying…' : 'Verify'}</button>
      {state.error && <div className="sub bad">{state.error}</div>}
      {state.results && (
        <div className="sub" data-testid="verify-result" data-ok={String(state.results.length > 0 && state.results.every((r) => r.ok))}>
          {state.results.length === 0 ? 'no copy found' : state.results.map((r) => `${r.side}: ${r.ok ? `ok${r.content ? ` (${r.content})` : ''}` : `FAILED ${r.error?.message ?? ''}`}`).join('; ')}
        </div>
      )}
    </>
  );
}

const base = (path: string) => path.split('/').at(-1) ?? path;

/** Backup file name → why retention keeps it ("daily 1/7"), or that the next prune deletes it; from every side. */
function retentionByFile(p: PrunePreview | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of p?.sides ?? []) {
    for (const k of s.keep) out.set(base(k.path), k.why);
    for (const d of s.deleted) if (!out.has(base(d))) out.set(base(d), 'deleted by the next prune');
  }
  return out;
}

const policyText = (p: Record<string, unknown>) =>
  Object.entries(p).map(([k, v]) => `${k.replace(/^keep/, 'keep ').toLowerCase()} ${String(v)}`).join(', ') || 'keep everything';

const short = (sha?: string) => (sha ? `${sha.slice(0, 12)}…` : '—');
const when = (iso?: string) => (iso ? new Date(iso).toLocaleString() : '—');

export function TargetDetail({ container, target }: { container: string; target: string }) {
  const { containers, rows, loading } = useRows();
  const { backupNow } = useActions();
  const runs = useRuns(container, target);
  const backups = useBackups(container, target);
  const drills = useDrills(container);
  const prune = usePrunePreview(container, target, !loading && Boolean(containers.find((x) => x.name === container)?.targets.some((x) => `${x.type}-${x.instance}` === target)));
  const why = retentionByFile(prune.data);
  const labels = useLabels(container, !loading && Boolean(containers.find((x) => x.name === container)));
  const c = containers.find((x) => x.name === container);
  const t = c?.targets.find((x) => `${x.type}-${x.instance}` === target);
  const row = rows.find((r) => r.key === `${container}/${target}`);
  if (loading) return <p aria-busy="true">Loading…</p>;
  const ok = (runs.data ?? []).filter((r) => r.success).slice().reverse();
  const myDrills = (drills.data ?? []).filter((d) => d.target === target);
  return (
    <section aria-labelledby="target-title">
      <p><a href="#/targets">← Targets</a></p>
      <h1 id="target-title" data-testid="target-title">{container} <span className="muted">{target}</span></h1>
      {!t && <p className="warn">This target is not among the labelled containers now; its history and backups are shown.</p>}
      {row && (
        <p className={row.health === 'failing' ? 'bad' : row.health === 'overdue' ? 'warn' : ''} data-testid="target-health">
          {row.health}{row.verified ? ' · verified restorable' : ' · not yet verified'} · last backup {ago(row.lastSuccess)} · next {ago(row.nextRun)}
          {row.lastError && row.health === 'failing' && <> · {row.lastError}</>}
        </p>
      )}
      <div className="row">
        {t && <button type="button" disabled={row?.running || row?.queued} onClick={() => backupNow(container, target)}>Back up now</button>}
        <a className="button secondary" href={restoreHash(container, target)}>Restore…</a>
      </div>
      {t && (
        <>
          <h2>Effective config</h2>
          <dl className="facts" data-testid="target-config">
            <dt>Engine</dt><dd>{t.type}</dd>
            <dt>Instance</dt><dd>{t.instance}</dd>
            <dt>Schedule</dt><dd>{t.schedule}{t.cron ? <> (<code>{t.cron}</code>)</> : null}</dd>
            <dt>Compression</dt><dd>{t.compress}</dd>
            {t.path && (<><dt>Path</dt><dd><code>{t.path}</code></dd></>)}
            {t.databases && (<><dt>Databases</dt><dd>{Array.isArray(t.databases) ? t.databases.join(', ') : t.databases}</dd></>)}
            {t.retention !== undefined && t.retention !== null && (<><dt>Retention</dt><dd><code>{JSON.stringify(t.retention)}</code></dd></>)}
            <dt>Stopped for backup</dt><dd>{c?.stop ? 'yes (cold)' : 'no'}</dd>
          </dl>
          <details>
            <summary>Raw labels of {container}</summary>
            {labels.data ? (
              <pre className="labels" data-testid="raw-labels">{Object.entries(labels.data.labels).map(([k, v]) => `${k}=${v}`).join('\n')}</pre>
            ) : labels.error ? <p className="muted">Could not read the labels: {labels.error.message}</p> : <p aria-busy="true">Reading…</p>}
          </details>
        </>
      )}
      <h2>Last 30 days</h2>
      <Strip container={container} target={target} />
      <div className="charts">
        <Bars title="Size" testId="chart-size" values={ok.map((r) => r.stored_bytes ?? 0)} labels={ok.map((r) => when(r.finished_at))} format={bytes} />
        <Bars title="Duration" testId="chart-duration" values={ok.map((r) => r.duration_ms ?? 0)} labels={ok.map((r) => when(r.finished_at))} format={duration} />
      </div>
      <h2>Backups</h2>
      {backups.isPending ? <p aria-busy="true">Listing…</p> : backups.error ? <p className="bad">Could not list the backups: {backups.error.message}</p> : (
        <>
          {backups.data!.problems.map((p, i) => <p key={i} className="warn">{p.source}: {p.message}</p>)}
          {backups.data!.backups.length === 0 ? <p className="muted">No backup of this target on staging, the remote or restic.</p> : (
            <div className="table-wrap">
              <table className="backups">
                <thead><tr><th scope="col">Taken</th><th scope="col">Where</th><th scope="col">Size</th><th scope="col">Trigger</th><th scope="col">sha256</th><th scope="col">Retention</th><th scope="col"><span className="sr">Action</span></th></tr></thead>
                <tbody>
                  {backups.data!.backups.slice().reverse().map((b) => (
                    <tr key={`${b.timestamp}-${b.location}-${b.snapshot ?? ''}`} data-testid="backup-row" data-timestamp={b.timestamp} data-location={b.location}>
                      <th scope="row">{when(b.date)} <div className="sub"><code>{b.timestamp}</code></div></th>
                      <td>{b.location === 'local' ? 'staging' : b.location === 'both' ? 'staging + remote' : b.location}{b.snapshot ? ` ${b.snapshot}` : ''}{b.complete === false ? <div className="sub bad">incomplete</div> : null}</td>
                      <td>{bytes(b.size)}</td>
                      <td>{b.trigger ?? '—'}</td>
                      <td><code title={b.sha256}>{short(b.sha256)}</code></td>
                      <td data-testid="retention">{why.get(b.file) ?? '—'}</td>
                      <td>
                        <a href={restoreHash(container, target, b.timestamp)} aria-label={`Restore ${b.timestamp}`}>Restore</a>{' '}
                        <VerifyButton container={container} target={target} at={b.snapshot ?? b.timestamp} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      {prune.data && (
        <>
          <h2>Retention</h2>
          <p data-testid="prune-preview">
            Schedule <strong>{prune.data.schedule}</strong>: {policyText(prune.data.policy)}; manual backups: {policyText(prune.data.trigger_policies.manual)}; safety copies: {policyText(prune.data.trigger_policies.safety)}.
          </p>
          <ul>
            {prune.data.sides.map((s) => (
              <li key={s.side} data-testid="prune-side" data-side={s.side} data-deleted={s.deleted.length}>
                {s.side}: {s.error ? <span className="bad">not judged: {s.error.message}</span> : <>{s.listed} listed, {s.keep.length} kept, the next prune would delete {s.deleted.length === 0 ? 'nothing' : s.deleted.map(base).join(', ')}</>}
              </li>
            ))}
          </ul>
        </>
      )}
      <h2>Runs</h2>
      {(runs.data ?? []).length === 0 ? <p className="muted">No run recorded.</p> : (
        <div className="table-wrap">
          <table className="runs">
            <thead><tr><th scope="col">Started</th><th scope="col">Result</th><th scope="col">Duration</th><th scope="col">Size</th><th scope="col">sha256</th><th scope="col">Stored</th></tr></thead>
            <tbody>
              {runs.data!.map((r) => (
                <tr key={r.id} data-testid="run-row" data-success={String(r.success)} data-trigger={r.trigger}>
                  <th scope="row">{when(r.started_at ?? r.finished_at)} <div className="sub">{r.trigger} · job <code>{r.id}</code></div><RunLogs id={r.id} /></th>
                  <td className={r.success ? 'ok' : 'bad'}>{r.success ? 'ok' : `failed${r.error_message ? `: ${r.error_message}` : ''}`}</td>
                  <td>{duration(r.duration_ms)}</td>
                  <td>{bytes(r.stored_bytes)}</td>
                  <td><code title={r.sha256}>{short(r.sha256)}</code></td>
                  <td>{r.location ?? '—'}{r.upload === 'failed' ? <div className="sub bad">upload failed</div> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Drills</h2>
      {myDrills.length === 0 ? <p className="muted">No drill recorded: nothing has proven this target restorable yet.</p> : (
        <ul>
          {myDrills.map((d) => (
            <li key={String(d.id)} className={d.success ? 'ok' : 'bad'}>
              {when(String(d.finished_at))}: {d.success ? 'restored and checked' : `failed: ${String(d.error_message ?? '')}`}
              {typeof d.restore_ms === 'number' ? ` · restore ${duration(d.restore_ms)}` : ''} · backup <code>{String(d.backup)}</code>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
