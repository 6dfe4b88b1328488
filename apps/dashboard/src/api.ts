// Calls to the controller's API. Paths are relative to the page (`api/…`), so the dashboard works behind a reverse
// proxy on a sub-path. The token is typed once, kept in sessionStorage (gone with the tab) and sent as a bearer
// header: no cookie, so nothing a cross-site request could ride on.
const TOKEN_KEY = 'baqup.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function getToken(): string | undefined {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function setToken(token: string | undefined): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // storage disabled: the token lives as long as the page
  }
  memoryToken = token;
  for (const f of tokenListeners) f();
}

let memoryToken: string | undefined;
const tokenListeners = new Set<() => void>();
export const onTokenChange = (f: () => void): (() => void) => {
  tokenListeners.add(f);
  return () => tokenListeners.delete(f);
};
export const currentToken = (): string | undefined => getToken() ?? memoryToken;

export function authHeaders(): Record<string, string> {
  const t = currentToken();
  return t ? { authorization: `Bearer ${t}` } : {};
}

/** `path` without the leading `api/`: `apiFetch('containers')`. */
export async function apiFetch<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const res = await fetch(`api/${path}`, {
    method: init.method ?? 'GET',
    headers: { accept: 'application/json', ...authHeaders(), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: init.body !== undefined ? JSON.stringify(init.body) : null,
    credentials: 'omit',
    signal: init.signal ?? null,
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!res.ok) {
    const b = (body ?? {}) as { error?: string; code?: string };
    throw new ApiError(res.status, b.error ?? `${res.status} ${res.statusText}`, b.code);
  }
  return body as T;
}
