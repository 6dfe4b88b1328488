// Asks for the API token once; it is kept in sessionStorage for this tab and sent as a bearer header.
import { useEffect, useRef, useState } from 'react';

export function TokenDialog({ onDone }: { onDone: (token: string | undefined) => void }) {
  const [value, setValue] = useState('');
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), []);
  return (
    <div className="backdrop" onKeyDown={(e) => e.key === 'Escape' && onDone(undefined)}>
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="token-title"
        onSubmit={(e) => {
          e.preventDefault();
          onDone(value.trim() || undefined);
        }}
      >
        <h2 id="token-title">API token</h2>
        <p>Actions (and reads, with <code>api.protect_reads</code>) need the controller's <code>api.token</code>. It is kept for this browser tab only and sent as a bearer header.</p>
        <label>
          Token
          <input ref={input} type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} name="token" />
        </label>
        <div className="row">
          <button type="submit">Use token</button>
          <button type="button" className="secondary" onClick={() => onDone(undefined)}>Cancel</button>
        </div>
      </form>
    </div>
  );
}
