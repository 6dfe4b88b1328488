// The effective config, read-only, secrets masked by the controller (GET /api/config), and the version facts.
import { useState } from 'react';
import { ApiError, apiFetch } from '../api.js';
import { useActions } from '../actions.js';
import { useConfig } from '../data.js';
import { flatten } from '../model.js';

type Delivery = { channel: string; delivered: boolean; error?: string };

function SendTest() {
  const { askToken } = useActions();
  const [state, setState] = useState<{ busy: boolean; deliveries?: Delivery[]; error?: string }>({ busy: false });
  const send = () => {
    setState({ busy: true });
    apiFetch<{ deliveries: Delivery[] }>('notifications/test', { method: 'POST' }).then(
      (r) => setState({ busy: false, deliveries: r.deliveries }),
      (err: unknown) => {
        if (err instanceof ApiError && err.status === 401) {
          setState({ busy: false, error: 'The API token is needed for this.' });
          askToken(send);
        } else setState({ busy: false, error: err instanceof Error ? err.message : String(err) });
      },
    );
  };
  return (
    <div>
      <button type="button" onClick={send} disabled={state.busy}>{state.busy ? 'Sending…' : 'Send a test'}</button>
      {state.error && <p className="bad" role="alert">{state.error}</p>}
      {state.deliveries && (
        <ul data-testid="test-deliveries" aria-live="polite">
          {state.deliveries.length === 0 && <li className="muted">No channel to send to.</li>}
          {state.deliveries.map((d, i) => (
            <li key={i} className={d.delivered ? 'ok' : 'bad'} data-testid="test-delivery" data-delivered={String(d.delivered)}>{d.channel}: {d.delivered ? 'delivered' : `not delivered (${d.error ?? 'unknown'})`}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

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
      {channels.some(([when]) => when !== 'ping') && <SendTest />}
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
