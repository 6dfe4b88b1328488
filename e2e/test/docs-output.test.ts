// docs/logging.md and docs/health-and-metrics.md against what the BUILT controller really emits: a controller run
// with real containers (a cold fs backup that stops and starts its container, a failing one) and a SIGTERM stop.
// For every line with an `event`: the event is in the docs' event table and in core's LOG_EVENTS, and each of its
// fields is one the table lists for that event; for every event the run emitted, each field the table lists for it
// appears in at least one of its lines. Events this run cannot produce (restic, restores, a fatal error, …) are
// only checked when they happen to occur (the shared engine's other labelled containers add some). The metrics:
// every baqup_* family of the real /metrics is documented, and every documented one is served. The HEALTHCHECK the
// docs show is the Dockerfile's.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOG_EVENTS } from '@baqup/core';
import { ensureImage, runId, startContainer, useCleanup } from '../src/index.js';
import { repoRoot } from '../src/paths.js';
import { startControllerProcess, useControllerCleanup, type ControllerProcess, type LogLine } from '../src/controller-process.js';
import { backupNow, parsePrometheusText } from './observe-fixtures.js';

useCleanup();
useControllerCleanup();

const TOKEN = `tok-${randomBytes(8).toString('hex')}`;
const BASE_FIELDS = new Set(['time', 'level', 'msg', 'event']);
const logging = readFileSync(join(repoRoot, 'docs/logging.md'), 'utf8');

/** The events table of docs/logging.md: event → its documented fields (`plus the `X` fields` expanded). */
function documentedEvents(): Map<string, Fields> {
  const section = logging.slice(logging.indexOf('## Events'), logging.indexOf('## Shipping'));
  const rows = [...section.matchAll(/^\| `([a-z_]+\.[a-z_]+)` \| [^|]+ \| [^|]+ \| (.*) \|$/gm)];
  const raw = new Map(rows.map((m) => [m[1]!, m[2]!]));
  // Backticked names are fields, except inside parentheses, where they are values (`side` (`staging`/`remote`)) —
  // unless the parenthesis says "with": (…, with `target`, `schedule`). Names after "also:" are optional; `msg`
  // ("the address is in `msg`") is a base field.
  const names = (text: string) => [
    ...[...text.replace(/\([^)]*\)/g, (p) => (/\bwith\b/.test(p) ? p.slice(p.indexOf('with')) : '')).replace(/plus the `[a-z_.]+` fields/g, '').matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!),
  ];
  const fieldsOf = (cell: string): Fields => {
    if (/^none\b/.test(cell)) return { required: new Set(), all: new Set() };
    const cut = cell.indexOf('also:');
    const required = names(cut < 0 ? cell : cell.slice(0, cut));
    const plus = [...cell.matchAll(/plus the `([a-z_.]+)` fields/g)].map((m) => fieldsOf(raw.get(m[1]!) ?? ''));
    const req = new Set([...required, ...plus.flatMap((p) => [...p.required])].filter((n) => n !== 'msg'));
    return { required: req, all: new Set([...req, ...names(cell).filter((n) => n !== 'msg'), ...plus.flatMap((p) => [...p.all])]) };
  };
  return new Map([...raw].map(([event, cell]) => [event, fieldsOf(cell)]));
}
interface Fields {
  required: Set<string>;
  all: Set<string>;
}

describe('docs describe what the controller emits (real controller, real containers)', () => {
  let ctl: ControllerProcess;
  let lines: readonly LogLine[];
  let metricsText: string;

  beforeAll(async () => {
    const base = await ensureImage('base');
    const ok = `e2e-${runId}-docs-ok`;
    const bad = `e2e-${runId}-docs-bad`;
    const idle = ['sh', '-c', 'mkdir -p /data && echo hi > /data/a && trap "exit 0" TERM; sleep 86400 & wait'];
    await startContainer({ image: base, name: ok, cmd: idle, labels: { 'backup.enabled': 'true', 'backup.stop': 'true', 'backup.fs.data.path': '/data' } });
    await startContainer({ image: base, name: bad, cmd: idle, labels: { 'backup.enabled': 'true', 'backup.fs.gone.path': '/nowhere' } });
    ctl = await startControllerProcess({ config: { api: { listen: '127.0.0.1:0', token: TOKEN } } });
    await ctl.waitFor((l) => l.some((c) => c.name === ok) && l.some((c) => c.name === bad), 60_000);
    expect((await backupNow(ctl, TOKEN, ok)).jobs[0]!.status).toBe('succeeded');
    expect((await backupNow(ctl, TOKEN, bad)).jobs[0]!.status).toBe('failed');
    metricsText = (await ctl.request('/metrics')).text;
    await ctl.stop();
    lines = ctl.logs();
  }, 240_000);

  it('every event the controller logged is documented (and in LOG_EVENTS), with only documented fields', () => {
    const docs = documentedEvents();
    expect(docs.size).toBeGreaterThan(30);
    const emitted = lines.filter((l) => typeof l.event === 'string');
    // The run covers the common path at least.
    for (const e of ['config.loaded', 'controller.started', 'container.discovered', 'job.started', 'job.succeeded', 'job.failed', 'container.stopped', 'container.started', 'upload.succeeded', 'controller.stopping']) {
      expect(emitted.some((l) => l.event === e), `a ${e} line`).toBe(true);
    }
    const problems: string[] = [];
    for (const l of emitted) {
      const event = l.event as string;
      if (!(LOG_EVENTS as readonly string[]).includes(event)) problems.push(`${event}: not in LOG_EVENTS`);
      const documented = docs.get(event);
      if (!documented) {
        problems.push(`${event}: not in docs/logging.md's event table`);
        continue;
      }
      for (const field of Object.keys(l)) if (!BASE_FIELDS.has(field) && !documented.all.has(field)) problems.push(`${event}: field "${field}" is not documented`);
    }
    expect([...new Set(problems)].sort()).toEqual([]);
  });

  it('every field the docs list for an event the run emitted is in its lines', () => {
    const docs = documentedEvents();
    const problems: string[] = [];
    for (const [event, fields] of docs) {
      const of = lines.filter((l) => l.event === event);
      if (of.length === 0) continue;
      for (const f of fields.required) if (!of.some((l) => f in l)) problems.push(`${event}: documented field "${f}" is never logged`);
    }
    expect(problems.sort()).toEqual([]);
  });

  it('the events in the docs are the vocabulary (LOG_EVENTS), no more, no fewer', () => {
    expect([...documentedEvents().keys()].sort()).toEqual([...LOG_EVENTS].sort());
  });

  it('docs/health-and-metrics.md names every baqup_* metric /metrics serves, and serves every one it names', () => {
    const docs = readFileSync(join(repoRoot, 'docs/health-and-metrics.md'), 'utf8');
    const served = [...parsePrometheusText(metricsText).values()].filter((f) => f.name.startsWith('baqup_') && !/_(bucket|sum|count)$/.test(f.name)).map((f) => f.name);
    const labels = new Set([...parsePrometheusText(metricsText).values()].flatMap((f) => f.samples.flatMap((x) => Object.keys(x.labels))));
    const documented = [...new Set([...docs.matchAll(/`(baqup_[a-z_]+)[`{]/g)].map((m) => m[1]!))].filter((n) => !labels.has(n));
    expect(served.filter((n) => !documented.includes(n)).sort()).toEqual([]);
    expect(documented.filter((n) => !served.includes(n)).sort()).toEqual([]);
  });

  it('the HEALTHCHECK the docs show is the Dockerfile\'s', () => {
    const dockerfile = readFileSync(join(repoRoot, 'Dockerfile'), 'utf8');
    const real = dockerfile.split('\n').filter((l) => l.startsWith('HEALTHCHECK '));
    expect(real).toHaveLength(1);
    const docs = readFileSync(join(repoRoot, 'docs/health-and-metrics.md'), 'utf8').split('\n').filter((l) => l.startsWith('HEALTHCHECK '));
    expect(docs).toEqual(real);
  });
});
