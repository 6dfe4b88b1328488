import { describe, expect, it } from 'vitest';
import { ContainerGate } from './gate.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('ContainerGate: hot and cold dumps of one container never overlap', () => {
  it('a cold hold waits for the running hot dump; a later hot dump waits for the cold hold (first come, first served)', async () => {
    const gate = new ContainerGate();
    const order: string[] = [];
    const hot1 = await gate.acquire('c', 'hot');
    order.push('hot1 in');
    const cold = gate.acquire('c', 'cold').then((r) => (order.push('cold in'), r));
    const hot2 = gate.acquire('c', 'hot').then((r) => (order.push('hot2 in'), r));
    await tick();
    // hot2 is hot like the running one, but a cold request came first: it must not jump the queue.
    expect(order).toEqual(['hot1 in']);
    expect(gate.peek('c')).toEqual({ mode: 'hot', active: 1, waiting: ['cold', 'hot'] });
    await hot1();
    const releaseCold = await cold;
    await tick();
    expect(order).toEqual(['hot1 in', 'cold in']);
    await releaseCold();
    await (await hot2)();
    expect(order).toEqual(['hot1 in', 'cold in', 'hot2 in']);
    expect(gate.peek('c')).toEqual({ mode: undefined, active: 0, waiting: [] });
  });

  it('same-mode users share; other containers are independent; a second release call does nothing', async () => {
    const gate = new ContainerGate();
    const a = await gate.acquire('c', 'cold');
    const b = await gate.acquire('c', 'cold');
    const other = await gate.acquire('d', 'hot');
    expect(gate.peek('c')).toMatchObject({ mode: 'cold', active: 2 });
    let hotIn = false;
    const hot = gate.acquire('c', 'hot').then((r) => ((hotIn = true), r));
    await a();
    await a();
    await tick();
    expect(hotIn).toBe(false);
    await b();
    await (await hot)();
    expect(hotIn).toBe(true);
    await other();
  });

  it('an aborted waiter leaves the queue and lets those behind it in', async () => {
    const gate = new ContainerGate();
    const hot = await gate.acquire('c', 'hot');
    const ac = new AbortController();
    const cold = gate.acquire('c', 'cold', ac.signal);
    let hot2In = false;
    const hot2 = gate.acquire('c', 'hot').then((r) => ((hot2In = true), r));
    ac.abort(new Error('timeout'));
    await expect(cold).rejects.toThrow('timeout');
    await (await hot2)();
    expect(hot2In).toBe(true);
    await hot();
    expect(gate.peek('c').active).toBe(0);
  });
});
