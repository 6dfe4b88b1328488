// The restore wizard: choose a backup → in place, into another existing container, or into a new container (baqup
// creates it like the source: network none, fresh volumes, no backup.* labels) → the dry-run plan first → confirm by
// typing the destination's name → progress → the post-restore check, with the safety copy and its rollback command.
// Everything goes through POST /api/restores (api.allow_restore), which verifies the backup before touching anything.
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, apiFetch } from '../api.js';
import { useActions } from '../actions.js';
import { keys, useBackups } from '../data.js';
import { bytes, duration } from '../format.js';
import { confirmed, type RestoreReport } from '../model.js';
import { targetHash } from './target.js';

type Phase = { step: 'choose' } | { step: 'planning' } | { step: 'plan'; plan: RestoreReport } | { step: 'restoring'; plan: RestoreReport } | { step: 'done'; report: RestoreReport };

export function RestoreWizard({ container, target, at: initialAt }: { container: string; target: string; at?: string }) {
  const backups = useBackups(container, target);
  const { askToken } = useActions();
  const qc = useQueryClient();
  const [at, setAt] = useState<string | undefined>(initialAt);
  const [mode, setMode] = useState<'in-place' | 'into' | 'new'>('in-place');
  const [into, setInto] = useState('');
  const [fresh, setFresh] = useState(`${container}-restored`);
  const [typed, setTyped] = useState('');
  const [phase, setPhase] = useState<Phase>({ step: 'choose' });
  const [error, setError] = useState<string>();
  const list = (backups.data?.backups ?? []).slice().reverse();
  const chosen = at ?? list[0]?.timestamp;
  const destination = mode === 'into' ? into.trim() : mode === 'new' ? fresh.trim() : container;

  const call = (dryRun: boolean, onOk: (r: RestoreReport) => void, onFail: () => void) => {
    setError(undefined);
    apiFetch<RestoreReport>('restores', {
      method: 'POST',
      body: { container, target, ...(chosen ? { at: chosen } : {}), ...(mode !== 'in-place' ? { into: destination } : {}), ...(mode === 'new' ? { create: true } : {}), ...(dryRun ? { dryRun: true } : { confirm: true }) },
    }).then(onOk, (err: unknown) => {
      onFail();
      if (err instanceof ApiError && err.status === 401) {
        setError('The API token is needed to restore.');
        askToken(() => call(dryRun, onOk, onFail));
      } else setError(err instanceof Error ? err.message : String(err));
    });
  };
  const plan = () => {
    setPhase({ step: 'planning' });
    call(true, (p) => setPhase({ step: 'plan', plan: p }), () => setPhase({ step: 'choose' }));
  };
  const run = (p: RestoreReport) => {
    setPhase({ step: 'restoring', plan: p });
    call(false, (r) => {
      setPhase({ step: 'done', report: r });
      void qc.invalidateQueries({ queryKey: keys.history });
    }, () => setPhase({ step: 'plan', plan: p }));
  };
  const locked = phase.step !== 'choose';

  return (
    <section aria-labelledby="restore-title" className="wizard">
      <p><a href={targetHash(container, target)}>← {container} {target}</a></p>
      <h1 id="restore-title">Restore {container} <span className="muted">{target}</span></h1>
      <ol className="steps">
        <li>
          <h2>1. Backup</h2>
          {backups.isPending ? <p aria-busy="true">Listing the backups…</p> : backups.error ? <p className="bad">Could not list the backups: {backups.error.message}</p> : list.length === 0 ? <p className="muted">No backup of this target to restore.</p> : (
            <fieldset disabled={locked}>
              <legend className="sr">Backup to restore</legend>
              {list.slice(0, 20).map((b) => (
                <label key={`${b.timestamp}-${b.snapshot ?? ''}`} className="choice">
                  <input type="radio" name="backup" value={b.timestamp} checked={chosen === b.timestamp} onChange={() => setAt(b.timestamp)} />
                  <code>{b.timestamp}</code> · {b.location === 'local' ? 'staging' : b.location === 'both' ? 'staging + remote' : b.location} · {bytes(b.size)}{b.trigger ? ` · ${b.trigger}` : ''}
                </label>
              ))}
            </fieldset>
          )}
        </li>
        <li>
          <h2>2. Where to</h2>
          <fieldset disabled={locked}>
            <legend className="sr">Destination</legend>
            <label className="choice"><input type="radio" name="mode" checked={mode === 'in-place'} onChange={() => setMode('in-place')} /> In place, into <strong>{container}</strong> (a safety copy of its current state is taken first)</label>
            <label className="choice"><input type="radio" name="mode" checked={mode === 'into'} onChange={() => setMode('into')} /> Into another existing container (its data is replaced)</label>
            {mode === 'into' && (
              <label className="field">Container name <input name="into" value={into} onChange={(e) => setInto(e.target.value)} autoComplete="off" /></label>
            )}
            <label className="choice"><input type="radio" name="mode" checked={mode === 'new'} onChange={() => setMode('new')} /> Into a new container: baqup creates it like {container} (same image and env; network none, no ports, fresh volumes, not backed up) and leaves it running</label>
            {mode === 'new' && (
              <label className="field">New container's name <input name="new-container" value={fresh} onChange={(e) => setFresh(e.target.value)} autoComplete="off" /></label>
            )}
          </fieldset>
          {phase.step === 'choose' && (
            <button type="button" onClick={plan} disabled={!chosen || destination.length === 0}>Show the plan (dry run)</button>
          )}
          {phase.step === 'planning' && <p aria-busy="true">Verifying the backup and making the plan…</p>}
        </li>
        {(phase.step === 'plan' || phase.step === 'restoring') && (
          <li>
            <h2>3. Plan</h2>
            <Plan report={phase.plan} />
            <form onSubmit={(e) => {
              e.preventDefault();
              if (confirmed(typed, phase.plan.into)) run(phase.plan);
            }}>
              <label className="field">
                Type <strong>{phase.plan.into}</strong> to confirm: {mode === 'new' ? 'it is created with this backup in it' : 'its data is replaced by this backup'}
                <input name="confirm" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" disabled={phase.step === 'restoring'} />
              </label>
              <div className="row">
                <button type="submit" className="danger" disabled={!confirmed(typed, phase.plan.into) || phase.step === 'restoring'}>Restore</button>
                <button type="button" className="secondary" disabled={phase.step === 'restoring'} onClick={() => { setPhase({ step: 'choose' }); setTyped(''); }}>Back</button>
              </div>
            </form>
            {phase.step === 'restoring' && <p aria-busy="true" data-testid="restore-progress">{mode === 'new' ? 'Restoring: the new container, then the load…' : 'Restoring: safety copy, then the load…'} <progress aria-label="restore in progress" /></p>}
          </li>
        )}
        {phase.step === 'done' && (
          <li>
            <h2>4. Done</h2>
            <Result report={phase.report} />
          </li>
        )}
      </ol>
      {error && <p className="bad" role="alert" data-testid="restore-error">{error}</p>}
    </section>
  );
}

function Plan({ report }: { report: RestoreReport }) {
  return (
    <div data-testid="restore-plan">
      <p>
        Backup <code>{report.timestamp}</code> ({report.file}{report.size !== undefined ? `, ${bytes(report.size)}` : ''}) from {report.side}, into <strong>{report.into}</strong>.
        {report.checksum ? ` Checksum: ${report.checksum}.` : ''}{report.content ? ` Content: ${report.content}.` : ''}
      </p>
      {report.steps.length > 0 && <ol className="plan-steps">{report.steps.map((s, i) => <li key={i}>{s}</li>)}</ol>}
      {report.notes.map((n, i) => <p key={i} className="warn">{n}</p>)}
    </div>
  );
}

function Result({ report }: { report: RestoreReport }) {
  return (
    <div data-testid="restore-result">
      <p className="ok" role="status">Restored <code>{report.timestamp}</code> into <strong>{report.into}</strong>{report.created ? ' (a new container, running)' : ''} in {duration(report.durationMs)}.</p>
      {report.created && <p data-testid="created-container">New container <code>{report.created.name}</code>: network none and not backed up by baqup; connect it with <code>docker network connect</code>, or copy data out with <code>docker exec</code> / <code>docker cp</code>.</p>}
      {report.checksum && <p>Checksum: {report.checksum}</p>}
      {report.content && <p>Check after the restore: {report.content}</p>}
      {report.done.length > 0 && <ul>{report.done.map((d, i) => <li key={i}>{d}</li>)}</ul>}
      {report.safety?.taken ? (
        <p data-testid="safety-copy">Safety copy <code>{report.safety.timestamp}</code> of the state this replaced. To go back: <code data-testid="rollback">{report.safety.rollback}</code></p>
      ) : report.safety ? (
        <p className="warn" data-testid="safety-copy">No safety copy: {report.safety.why}</p>
      ) : null}
    </div>
  );
}
