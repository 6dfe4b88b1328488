// Talks to the running controller's HTTP API, at the address and with the token of the same config.
import { readFileSync } from 'node:fs';
import type { ControllerConfig } from '@baqup/core';

export interface ApiClient {
  base: string;
  request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, timeoutMs?: number): Promise<{ status: number; body: unknown }>;
}

function apiToken(api: ControllerConfig['api']): string | undefined {
  if (process.env.BAQUP_API_TOKEN) return process.env.BAQUP_API_TOKEN;
  if (api.token) return api.token.reveal();
  if (api.token_file) return readFileSync(api.token_file, 'utf8').trim();
  return undefined;
}

export function apiClient(config: ControllerConfig): ApiClient {
  const listen = process.env.BAQUP_API_URL ?? `http://${config.api.listen.replace(/^0\.0\.0\.0:/, '127.0.0.1:').replace(/^:/, '127.0.0.1:')}`;
  const token = apiToken(config.api);
  return {
    base: listen,
    async request(method, path, body, timeoutMs = 10_000) {
      let res: Response;
      try {
        res = await fetch(`${listen}${path}`, {
          method,
          headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw new Error(`the controller does not answer at ${listen} (${err instanceof Error ? err.message : String(err)}); is it running?`);
      }
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed };
    },
  };
}
