// The shell: header with the views, the stream's state and the token; the view named by the URL's hash (so the
// page works from any sub-path and a reload keeps the view).
import { useEffect, useRef, useState, useSyncExternalStore, type JSX } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { currentToken, onTokenChange, setToken } from './api.js';
import { connectStream } from './data.js';
import type { StreamHandle, StreamState } from './stream.js';
import { TokenDialog } from './token-dialog.js';
import { ActionsProvider } from './actions.js';
import { Overview } from './views/overview.js';
import { Targets } from './views/targets.js';
import { Activity } from './views/activity.js';
import { Settings } from './views/settings.js';
import { TargetDetail } from './views/target.js';
import { RestoreWizard } from './views/restore.js';

const VIEWS = [
  { hash: '#/', name: 'Overview', View: Overview },
  { hash: '#/targets', name: 'Targets', View: Targets },
  { hash: '#/activity', name: 'Activity', View: Activity },
  { hash: '#/settings', name: 'Settings', View: Settings },
] as const;

/** `#/target/{container}/{target}` and `#/restore/{container}/{target}[/{at}]`: a view with parameters, or undefined. */
function routed(hash: string): { nav: string; view: JSX.Element } | undefined {
  const [, kind, ...rest] = hash.split('/');
  const parts = rest.map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  const [container, target, at] = parts;
  if (!container || !target) return undefined;
  if (kind === 'target') return { nav: '#/targets', view: <TargetDetail key={hash} container={container} target={target} /> };
  if (kind === 'restore') return { nav: '#/targets', view: <RestoreWizard key={hash} container={container} target={target} {...(at ? { at } : {})} /> };
  return undefined;
}

function useHash(): string {
  const [hash, setHash] = useState(() => location.hash || '#/');
  useEffect(() => {
    const f = () => setHash(location.hash || '#/');
    addEventListener('hashchange', f);
    return () => removeEventListener('hashchange', f);
  }, []);
  return hash;
}

const idle: StreamState = { phase: 'connecting' };

export function useStreamState(stream: StreamHandle | undefined): StreamState {
  return useSyncExternalStore(stream?.subscribe ?? (() => () => {}), stream?.state ?? (() => idle));
}

export function App() {
  const qc = useQueryClient();
  const [stream, setStream] = useState<StreamHandle>();
  const [asking, setAsking] = useState(false);
  const pending = useRef<(() => void) | undefined>(undefined);
  const hash = useHash();
  const hasToken = useSyncExternalStore(onTokenChange, () => Boolean(currentToken()));

  useEffect(() => {
    const s = connectStream(qc);
    setStream(s);
    return () => s.close();
  }, [qc]);
  const streamState = useStreamState(stream);
  useEffect(() => {
    if (streamState.phase === 'unauthorized') setAsking(true);
  }, [streamState.phase]);

  const param = routed(hash);
  const current = VIEWS.find((v) => v.hash === (param?.nav ?? hash)) ?? VIEWS[0];
  const askToken = (retry?: () => void) => {
    pending.current = retry;
    setAsking(true);
  };
  return (
    <ActionsProvider askToken={askToken} streamState={streamState}>
      <a className="skip" href="#main">Skip to content</a>
      <header className="bar">
        <span className="brand">baqup</span>
        <nav aria-label="Views">
          {VIEWS.map((v) => (
            <a key={v.hash} href={v.hash} aria-current={v === current ? 'page' : undefined}>{v.name}</a>
          ))}
        </nav>
        <span className={`pill stream-${streamState.phase}`} role="status" data-testid="stream-state" title={streamState.error ?? ''}>
          {streamState.phase === 'connected' ? 'live' : streamState.phase}
        </span>
        <button type="button" className="link" onClick={() => (hasToken ? setToken(undefined) : askToken())}>
          {hasToken ? 'Forget token' : 'Enter token'}
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        {param ? param.view : <current.View />}
      </main>
      {asking && (
        <TokenDialog
          onDone={(token) => {
            setAsking(false);
            if (token) {
              setToken(token);
              stream?.restart();
              void qc.invalidateQueries();
              const retry = pending.current;
              pending.current = undefined;
              retry?.();
            }
          }}
        />
      )}
    </ActionsProvider>
  );
}
