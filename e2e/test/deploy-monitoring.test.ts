// The shipped monitoring files against real tools and a real controller: deploy/prometheus/alerts.yml through
// `promtool check rules` and its unit tests (`promtool test rules`), the real /metrics through `promtool check
// metrics`, and deploy/grafana/baqup.json: every metric and label it (and the alert rules) use exists in the real
// /metrics of a controller that has backed up a real container, and every dashboard query answers data from a real
// Prometheus that scrapes that controller. promtool and prometheus come from Debian's `prometheus` package
// (scripts/ensure-tools.mjs --monitoring installs it); without apt the tests are skipped and say why. Grafana
// itself is not loaded: neither Debian nor npm provides it.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureImage, runId, startContainer, useCleanup } from '../src/index.js';
import { repoRoot } from '../src/paths.js';
import { startControllerProcess, useControllerCleanup, type ControllerProcess } from '../src/controller-process.js';
import { backupNow, parsePrometheusText, type MetricFamily } from './observe-fixtures.js';

useCleanup();
useControllerCleanup();

const has = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
/** promtool and prometheus present, or installed now from Debian's package; else why not. */
function ensureTools(): string | undefined {
  if (has('promtool') && has('prometheus')) return undefined;
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts/ensure-tools.mjs'), '--monitoring'], { encoding: 'utf8', timeout: 600_000 });
  if (has('promtool') && has('prometheus')) return undefined;
  return `promtool/prometheus unavailable: apt could not provide Debian's prometheus package (${(r.stderr || r.stdout || '').trim().slice(0, 300)})`;
}
const missing = ensureTools();
if (missing) console.warn(`deploy-monitoring: SKIPPED: ${missing}`);

const DEPLOY = join(repoRoot, 'deploy');
const ALERTS = join(DEPLOY, 'prometheus/alerts.yml');
const TOKEN = `tok-${runId}-mon`;

const run = (cmd: string, args: string[], opts: { cwd?: string; input?: string } = {}) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(cmd, args, { cwd: opts.cwd, timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }));
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });

/** Every PromQL expression of the dashboard (panel targets and template queries), `$instance` matching all. */
function dashboardExprs(): string[] {
  const d = JSON.parse(readFileSync(join(DEPLOY, 'grafana/baqup.json'), 'utf8')) as { panels: Array<{ type: string; targets?: Array<{ expr: string }> }>; templating: { list: Array<{ query?: unknown; definition?: string }> } };
  const exprs = d.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  expect(exprs.length).toBeGreaterThan(10);
  return exprs.map((e) => e.replace(/\$instance/g, '.*'));
}
function alertExprs(): string[] {
  return [...readFileSync(ALERTS, 'utf8').matchAll(/expr: (\|\n((?: {10}.*\n)+)|.*)/g)].map((m) => (m[2] ?? m[1]!).trim());
}

const METRIC = /\b((?:baqup|process|nodejs)_[a-zA-Z0-9_]*)\b/g;
/** Metric names: label matchers `{…}` and `by/on (…)` lists taken out first (their names are labels). */
const metricsIn = (exprs: string[]) =>
  [...new Set(exprs.flatMap((e) => [...e.replace(/\{[^}]*\}/g, '').replace(/\b(?:by|on|without|ignoring)\s*\([^)]*\)/g, '').matchAll(METRIC)].map((m) => m[1]!)))].sort();
/** Label names grouped, joined or matched on: `by (…)`, `on (…)`, `{name=…}`. */
function labelsIn(exprs: string[]): string[] {
  const out = new Set<string>();
  for (const e of exprs) {
    for (const m of e.matchAll(/\b(?:by|on|without|ignoring)\s*\(([^)]*)\)/g)) for (const l of m[1]!.split(',')) if (l.trim()) out.add(l.trim());
    for (const m of e.matchAll(/[{,]\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!=|!~|=)/g)) out.add(m[1]!);
  }
  return [...out].sort();
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

describe.skipIf(missing !== undefined)('deploy/prometheus and deploy/grafana (real promtool, Prometheus and controller)', () => {
  let ctl: ControllerProcess;
  let text: string;
  let families: Map<string, MetricFamily>;
  let name: string;

  beforeAll(async () => {
    const base = await ensureImage('base');
    name = `e2e-${runId}-mon-app`;
    await startContainer({ image: base, name, cmd: ['sh', '-c', 'mkdir -p /data && echo hi > /data/a && trap "exit 0" TERM; sleep 86400 & wait'], labels: { 'backup.enabled': 'true', 'backup.fs.data.path': '/data' } });
    ctl = await startControllerProcess({ config: { api: { listen: '127.0.0.1:0', token: TOKEN } } });
    await ctl.waitFor((l) => l.some((c) => c.name === name), 60_000);
    const r = await backupNow(ctl, TOKEN, name);
    expect(r.jobs[0]!.status).toBe('succeeded');
    text = (await ctl.request('/metrics')).text;
    families = parsePrometheusText(text);
  }, 180_000);
  afterAll(async () => {
    await ctl?.stop();
  });

  it('alerts.yml passes promtool check rules and its unit tests (promtool test rules)', async () => {
    const check = await run('promtool', ['check', 'rules', ALERTS]);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain('SUCCESS: 6 rules found');
    const unit = await run('promtool', ['test', 'rules', 'alerts.test.yml'], { cwd: join(DEPLOY, 'prometheus') });
    expect(unit.code, unit.stdout + unit.stderr).toBe(0);
    expect(unit.stdout).toContain('SUCCESS');
  });

  it('the real /metrics passes promtool check metrics (baqup_* without a finding; only prom-client defaults have some)', async () => {
    const r = await run('promtool', ['check', 'metrics'], { input: text });
    const findings = (r.stdout + r.stderr).split('\n').filter((l) => l.trim() !== '');
    // prom-client's own nodejs_active_*_total gauges break the "_total is for counters" lint; none of ours does.
    expect(findings.filter((l) => !/^nodejs_active_\w+_total non-counter metrics should not have "_total" suffix$/.test(l))).toEqual([]);
    expect(r.code === 0 || findings.length > 0).toBe(true);
  });

  it('every metric and label the dashboard and the alert rules use exists in the real /metrics', () => {
    const exprs = [...dashboardExprs(), ...alertExprs()];
    expect(alertExprs()).toHaveLength(6);
    const used = metricsIn(exprs);
    expect(used.length).toBeGreaterThan(15);
    expect(used.filter((m) => !families.has(m))).toEqual([]);
    const labels = new Set([...families.values()].flatMap((f) => f.samples.flatMap((s) => Object.keys(s.labels))));
    // `instance` and `job` are the labels Prometheus attaches at scrape time.
    expect(labelsIn(exprs).filter((l) => !labels.has(l) && l !== 'instance' && l !== 'job')).toEqual([]);
    // The shipped names are the documented ones: each in docs/health-and-metrics.md.
    const docs = readFileSync(join(repoRoot, 'docs/health-and-metrics.md'), 'utf8');
    expect(used.filter((m) => m.startsWith('baqup_') && !docs.includes(`\`${m.replace(/_bucket$/, '')}\``))).toEqual([]);
  });

  it('every dashboard query answers data from a real Prometheus scraping the controller; every alert expression is valid there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baqup-prom-'));
    const port = await freePort();
    writeFileSync(join(dir, 'prometheus.yml'), `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: baqup\n    static_configs:\n      - targets: ['${ctl.api}']\n`);
    const prom: ChildProcess = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    prom.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const query = async (q: string) => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(q)}`);
      return (await res.json()) as { status: string; error?: string; data?: { result: unknown[] } };
    };
    try {
      const deadline = Date.now() + 90_000;
      // Three scrapes of our target at least: rate() and increase() need two samples.
      for (;;) {
        const r = await query(`count_over_time(baqup_target_last_size_bytes{baqup_container="${name}"}[1m])`).catch(() => undefined);
        const n = Number((r?.data?.result[0] as { value?: [number, string] } | undefined)?.value?.[1] ?? 0);
        if (n >= 3) break;
        if (Date.now() > deadline) throw new Error(`Prometheus did not scrape the controller in 90 s; its log:\n${log.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 500));
      }
      for (const e of dashboardExprs()) {
        const r = await query(e);
        expect(r.status, `${e}: ${r.error ?? ''}`).toBe('success');
        expect(r.data!.result.length, `dashboard query without data: ${e}`).toBeGreaterThan(0);
      }
      for (const e of alertExprs()) {
        const r = await query(e);
        expect(r.status, `${e}: ${r.error ?? ''}`).toBe('success');
      }
    } finally {
      prom.kill('SIGTERM');
      await new Promise((r) => prom.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
