#!/usr/bin/env node
// The engine's own floor for bench/pickup: during the same kind of start burst (N labelled containers, 8 starts in
// flight), how long Docker takes to answer an inspect, and a list filtered by id, sent the moment each container's
// `start` event arrives. Any controller that reads a container before showing it pays at least this.
// Removes every container it created.
//
//   node bench/docker-floor.mjs [--count 100] [--concurrency 8] [--image TAG]
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const Docker = createRequire(join(root, 'e2e/package.json'))('dockerode');
const { values: opt } = parseArgs({ options: { count: { type: 'string', default: '100' }, concurrency: { type: 'string', default: '8' }, image: { type: 'string' } } });
const N = Number(opt.count);
const docker = new Docker();
const image = opt.image ?? (await docker.listImages()).flatMap((i) => i.RepoTags ?? []).find((t) => t.startsWith('baqup-e2e/base:'));
if (!image) throw new Error('no baqup-e2e/base image: run the e2e harness once, or pass --image');

const ids = [];
const inspect = [];
const list = [];
let events;
try {
  for (let i = 0; i < N; i++) {
    const c = await docker.createContainer({ Image: image, Cmd: ['sleep', '600'], Labels: { 'baqup.e2e': 'floor', 'backup.enabled': 'true' }, HostConfig: { NetworkMode: 'none' } });
    ids.push(c.id);
  }
  events = await docker.getEvents({ filters: { type: ['container'], event: ['start'] } });
  let buf = '';
  events.on('data', (chunk) => {
    buf += chunk;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const id = JSON.parse(buf.slice(0, i)).id;
      buf = buf.slice(i + 1);
      if (!ids.includes(id)) continue;
      const t0 = performance.now();
      docker.getContainer(id).inspect().then(() => inspect.push(performance.now() - t0));
      docker.listContainers({ all: true, filters: { id: [id] } }).then(() => list.push(performance.now() - t0));
    }
  });
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: Number(opt.concurrency) }, async () => {
    while (next < N) await docker.getContainer(ids[next++]).start();
  }));
  const startsMs = performance.now() - started;
  while (inspect.length < N || list.length < N) await new Promise((r) => setTimeout(r, 50));
  const q = (a, p) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(p * a.length))].toFixed(1);
  console.log(`${N} starts, ${opt.concurrency} in flight, issued in ${startsMs.toFixed(0)} ms`);
  console.log(`inspect on the start event: p50 ${q(inspect, 0.5)} ms  p99 ${q(inspect, 0.99)} ms  max ${q(inspect, 1)} ms`);
  console.log(`list by id on the start event: p50 ${q(list, 0.5)} ms  p99 ${q(list, 0.99)} ms  max ${q(list, 1)} ms`);
} finally {
  events?.destroy();
  await Promise.all(ids.map((id) => docker.getContainer(id).remove({ force: true }).catch(() => undefined)));
}
