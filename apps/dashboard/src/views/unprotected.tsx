// Running containers that look like a database but have no backup.* labels, each with the labels to add (the same
// detection as `baqup suggest --running`), ready to paste into a compose file.
import { ApiError } from '../api.js';
import { useUnprotected } from '../data.js';

export function Unprotected() {
  const u = useUnprotected();
  const list = u.data?.containers ?? [];
  return (
    <section aria-labelledby="unprotected-title">
      <h2 id="unprotected-title">Unprotected containers{u.data ? ` (${list.length})` : ''}</h2>
      {u.isPending ? (
        <p className="muted" aria-busy="true">Looking at the running containers…</p>
      ) : u.error ? (
        <p className="muted">{u.error instanceof ApiError && u.error.status === 401 ? 'The API token is needed to look at the running containers.' : `Could not look at the running containers: ${u.error.message}`}</p>
      ) : list.length === 0 ? (
        <p className="muted" data-testid="no-unprotected">None: no running container looks like an unprotected database ({u.data!.checked} looked at).</p>
      ) : (
        <ul className="unprotected" data-testid="unprotected">
          {list.map((c) => (
            <li key={c.id} data-testid="unprotected-container" data-name={c.name}>
              <strong>{c.name}</strong> <span className="muted">{c.image}</span>
              <div className="sub">{c.targets.map((t) => t.reason).join('; ')}</div>
              <details>
                <summary>Labels to add</summary>
                <pre className="labels" data-testid="suggested-labels">{Object.entries(c.labels).map(([k, v]) => `${k}: "${v}"`).join('\n')}</pre>
                <button type="button" className="secondary" onClick={() => void navigator.clipboard?.writeText(Object.entries(c.labels).map(([k, v]) => `      ${k}: "${v}"`).join('\n'))}>Copy</button>
              </details>
              {c.notes.length > 0 && <ul className="sub">{c.notes.map((n, i) => <li key={i}>{n}</li>)}</ul>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
