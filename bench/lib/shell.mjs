// Running commands for a bench: `sh()` for setup steps (throws on failure, returns stdout), `timed()` for the
// shell pipelines being measured (bash with pipefail, wall time, plus the CPU of all its children from `times`).
import { spawn } from 'node:child_process';

/** Runs argv; resolves with stdout (utf8), rejects with stderr's tail on a non-zero exit. */
export function sh(argv, { env, input, quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { env: env ? { ...process.env, ...env } : process.env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (err += c));
    if (input !== undefined) child.stdin.end(input);
    child.once('error', reject);
    child.once('close', (code) => {
      if (code === 0) return resolve(out);
      const msg = `${argv.slice(0, 4).join(' ')}… exited ${code}: ${err.trim().slice(-800)}`;
      if (!quiet) process.stderr.write(`${msg}\n`);
      reject(new Error(msg));
    });
  });
}

/**
 * Runs `script` under `bash -o pipefail` and measures it: wall ms, and user+sys CPU ms of every child process
 * (bash's `times` after the pipeline; it counts processes on this host only — dockerd and the tool inside the
 * container are not children). The script's stdout is returned trimmed.
 */
export async function timed(script, { env } = {}) {
  const marker = '@@baqup-bench-times@@';
  const wrapped = `set -o pipefail\n${script}\necho ${marker} >&2; times >&2`;
  const t0 = process.hrtime.bigint();
  const { out, err } = await new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', wrapped], { env: env ? { ...process.env, ...env } : process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let o = '';
    let e = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (o += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (e += c));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve({ out: o, err: e }) : reject(new Error(`bench pipeline failed (${code}): ${script}\n${e.trim().slice(-800)}`))));
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  // `times` prints two lines: the shell's own user/sys, then its children's: "0m1.234s 0m0.567s".
  const lines = err.slice(err.lastIndexOf(marker) + marker.length).trim().split('\n');
  const secs = (s) => {
    const m = /(\d+)m([\d.]+)s/.exec(s);
    return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  };
  const [cu, cs] = (lines[1] ?? '').trim().split(/\s+/);
  return { wallMs, childCpuMs: (secs(cu) + secs(cs)) * 1000, stdout: out.trim() };
}
