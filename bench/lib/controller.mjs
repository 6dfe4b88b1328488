// The BUILT controller (apps/controller/dist/main.js) as a child process for benches: temp config (API on
// 127.0.0.1:0 with a token, debug JSON logs), its stdout parsed line by line, and a client for its API.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const TOKEN = 'bench-token';

/**
 * Starts the controller with `config` merged over the bench defaults; `dir` holds config.yml and data/.
 * `nodeArgs` go before main.js (e.g. --cpu-prof). Resolves once it logged `controller.started`.
 */
export async function startController({ main, dir, config = {}, env = {}, nodeArgs = [] }) {
  if (!existsSync(main)) throw new Error(`missing ${main}: pnpm exec turbo run build --filter=@baqup/controller... --filter=@baqup/cli...`);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'config.yml');
  // JSON is YAML.
  writeFileSync(file, JSON.stringify({ api: { listen: '127.0.0.1:0', token: TOKEN }, resync_interval: 300, logging: { level: 'debug', format: 'json' }, ...config }, null, 2));
  const childEnv = { ...process.env, BAQUP_DATA_DIR: join(dir, 'data'), ...env };
  delete childEnv.BAQUP_CONFIG;
  const child = spawn(process.execPath, [...nodeArgs, main, '--config', file], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  let partial = '';
  let stderr = '';
  const waiters = new Set();
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const l of parts) {
      try {
        lines.push(JSON.parse(l));
      } catch {
        lines.push({ msg: l, invalid: true });
      }
    }
    for (const w of waiters) w();
  });
  child.stderr.setEncoding('utf8').on('data', (c) => (stderr = (stderr + c).slice(-4000)));
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));

  const waitForLog = (pred, timeoutMs, from = 0) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const hit = lines.slice(from).find(pred);
        if (hit) done(() => resolve(hit));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`controller: no matching log line in ${timeoutMs} ms; stderr: ${stderr}`))), timeoutMs);
      const done = (f) => {
        clearTimeout(timer);
        waiters.delete(check);
        f();
      };
      waiters.add(check);
      check();
    });
  const started = await Promise.race([waitForLog((l) => l.event === 'controller.started', 20_000), exited.then((e) => Promise.reject(new Error(`controller exited ${JSON.stringify(e)}: ${stderr}`)))]);
  const base = `http://${started.api}`;
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  return {
    pid: child.pid,
    dir,
    lines,
    waitForLog,
    async get(path) {
      const res = await fetch(base + path, { headers });
      return { status: res.status, body: await res.json().catch(() => undefined) };
    },
    /** POST with no client-side timeout (a 1 GiB backup takes minutes). */
    async post(path, body) {
      const res = await fetch(base + path, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(3_600_000) });
      const text = await res.text();
      let parsed;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { status: res.status, body: parsed, text };
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}
