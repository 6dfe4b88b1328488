// The effective config, read-only, secrets masked by the controller (GET /api/config), and the version facts.
import { ApiError } from '../api.js';
import { useConfig } from '../data.js';
import { flatten } from '../model.js';

export function Settings() {
  const c = useConfig();
  if (c.isPending) return <p aria-busy="true">Loading…</p>;
  if (c.error) return <p className={c.error instanceof ApiError && c.error.status === 401 ? 'muted' : 'bad'} role="alert">{c.error instanceof ApiError && c.error.status === 401 ? 'The API token is needed to read the config.' : `Could not read the config: ${c.error.message}`}</p>;
  const n = (c.data.config.notifications ?? {}) as Record<string, unknown>;
  const channels = [
    ...((n.on_failure as string[] | undefined) ?? []).map((x) => ['on failure', x]),
    ...(Array.isArray(n.on_success) ? (n.on_success as string[]).map((x) => ['on success', x]) : []),
    ...((n.webhook as string[] | undefined) ?? []).map((x) => ['webhook', x]),
    ...((n.ping as string[] | undefined) ?? []).map((x) => ['ping', x]),
  ];
  const rows = flatten(c.data.config).filter(([k]) => !k.startsWith('notifications.'));
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <p className="muted">The controller's effective config (every default filled), read-only: change it in the config file and restart. Secrets are masked.</p>
      <h2>Notifications</h2>
      {channels.length === 0 ? <p className="muted">No notification channel: failures are only logged.</p> : (
        <ul data-testid="channels">{channels.map(([when, name], i) => <li key={i}><span className="muted">{when}:</span> {name}</li>)}</ul>
      )}
      <h2>Config</h2>
      <div className="table-wrap">
        <table className="config" data-testid="config">
          <tbody>
            {rows.map(([k, v]) => (
              <tr key={k} data-key={k}><th scope="row"><code>{k}</code></th><td>{v}</td></tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
