// onDelivery against a real HTTP server on 127.0.0.1: told once per message and channel, delivered or not.
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackupResult } from '@baqup/core';
import { createNotifier, type Delivery } from './create-notifier.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

async function listen(status: number): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(status).end());
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

const failure = { job: { id: 'j', container: { containerName: 'db' }, target: { type: 'postgres', instance: 'main' }, schedule: { name: 'daily' } }, success: false, durationSeconds: 1, error: { code: 'BAQUP_DUMP_FAILED', message: 'boom' } } as unknown as BackupResult;

describe('onDelivery', () => {
  it('says which channel got which kind of message about which targets', async () => {
    const base = await listen(200);
    const told: Delivery[] = [];
    const n = createNotifier({ webhook: `${base}/hook`, windowMs: 1, maxDelayMs: 10, onDelivery: (d) => told.push(d) });
    await n.notify(failure);
    await n.close();
    expect(told).toEqual([{ channel: expect.any(String), kind: 'failure', targets: ['db/postgres-main'], delivered: true }]);
  });

  it('a refused delivery is told as not delivered, with the reason; a throwing listener changes nothing', async () => {
    const base = await listen(500);
    const told: Delivery[] = [];
    const n = createNotifier({ webhook: `${base}/hook`, windowMs: 1, maxDelayMs: 10, http: { retryLimit: 0 }, onDelivery: (d) => {
      told.push(d);
      throw new Error('recorder broke');
    } });
    await n.notify(failure);
    await n.close();
    expect(told).toEqual([expect.objectContaining({ kind: 'failure', delivered: false, error: expect.stringMatching(/500/) })]);
  });
});

describe('test()', () => {
  it("sends one test message to each of the config's channels now, and says which arrived", async () => {
    const bodies: string[] = [];
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (c: string) => (body += c));
      req.on('end', () => {
        bodies.push(`${req.url} ${body}`);
        res.writeHead(req.url === '/broken' ? 500 : 200).end();
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const told: Delivery[] = [];
    const n = createNotifier({ onFailure: [`ntfy://127.0.0.1:${(server.address() as { port: number }).port}/alerts?scheme=http`], webhook: [`${base}/hook`, `${base}/broken`], http: { retryLimit: 0 }, onDelivery: (d) => told.push(d) });
    const deliveries = await n.test();
    expect(deliveries.map((d) => [d.kind, d.delivered])).toEqual([['test', true], ['test', true], ['test', false]]);
    expect(deliveries[2]!.error).toMatch(/500/);
    expect(told).toEqual(deliveries);
    expect(bodies.some((b) => b.startsWith('/alerts ') && b.includes('test'))).toBe(true);
    expect(bodies.some((b) => b.startsWith('/hook ') && b.includes('test notification'))).toBe(true);
    await n.close();
    expect(await createNotifier({}).test()).toEqual([]);
  });
});
