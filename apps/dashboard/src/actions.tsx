// Actions from the browser ("back up now"), with the token asked for when the API says it is missing or wrong, and
// one live region that announces what happened.
import { createContext, useCallback, useContext, useState, type ReactNode } from 'react';
import { ApiError, apiFetch } from './api.js';
import type { StreamState } from './stream.js';

interface Actions {
  backupNow: (container: string, target?: string) => void;
  /** Cancel a queued job (DELETE /api/jobs/{id}); a running one is refused by the API, and the message says why. */
  cancelJob: (jobId: string, target: string) => void;
  /** Ask for the token, then run `retry` with it. */
  askToken: (retry?: () => void) => void;
  message: string | undefined;
  streamState: StreamState;
}

const Ctx = createContext<Actions | undefined>(undefined);

export function ActionsProvider({ askToken, streamState, children }: { askToken: (retry?: () => void) => void; streamState: StreamState; children: ReactNode }) {
  const [message, setMessage] = useState<string>();
  const backupNow = useCallback(
    function run(container: string, target?: string) {
      setMessage(`Queuing a backup of ${container}${target ? ` ${target}` : ''}…`);
      apiFetch<{ jobs: Array<{ job_id: string; target: string }> }>('backups', { method: 'POST', body: { container, ...(target ? { target } : {}) } }).then(
        (r) => setMessage(`Queued: ${r.jobs.map((j) => j.target).join(', ')}`),
        (err: unknown) => {
          // 401 only: a 403 is the API's actions being disabled (no api.token set), which no token typed here can fix.
          if (err instanceof ApiError && err.status === 401) {
            setMessage('The API token is needed for this.');
            askToken(() => run(container, target));
          } else setMessage(`Backup of ${container} not started: ${err instanceof Error ? err.message : String(err)}`);
        },
      );
    },
    [askToken],
  );
  const cancelJob = useCallback(
    function run(jobId: string, target: string) {
      setMessage(`Cancelling the queued job of ${target}…`);
      apiFetch<{ status: string }>(`jobs/${encodeURIComponent(jobId)}`, { method: 'DELETE' }).then(
        () => setMessage(`Cancelled: ${target} (it never ran)`),
        (err: unknown) => {
          if (err instanceof ApiError && err.status === 401) {
            setMessage('The API token is needed for this.');
            askToken(() => run(jobId, target));
          } else setMessage(`Job of ${target} not cancelled: ${err instanceof Error ? err.message : String(err)}`);
        },
      );
    },
    [askToken],
  );
  return (
    <Ctx.Provider value={{ backupNow, cancelJob, askToken, message, streamState }}>
      {children}
      <div className="toast" role="status" aria-live="polite" data-testid="message">{message}</div>
    </Ctx.Provider>
  );
}

export function useActions(): Actions {
  const a = useContext(Ctx);
  if (!a) throw new Error('useActions outside ActionsProvider');
  return a;
}
