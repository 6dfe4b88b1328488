import { describe, expect, it } from 'vitest';
import { GroupOrderError } from '../errors/index.js';
import { groupOrder } from './order.js';

const m = (service: string, ...dependsOn: string[]) => ({ service, dependsOn });

describe('groupOrder', () => {
  it('starts dependencies first and stops dependents first', () => {
    // web → app → (db, cache); worker → db
    const order = groupOrder('shop', [m('web', 'app'), m('app', 'db', 'cache'), m('worker', 'db'), m('db'), m('cache')]);
    expect(order.start).toEqual(['cache', 'db', 'app', 'web', 'worker']);
    expect(order.stop).toEqual(['worker', 'web', 'app', 'db', 'cache']);
    for (const [service, deps] of [['web', ['app']], ['app', ['db', 'cache']], ['worker', ['db']]] as const) {
      for (const d of deps) {
        expect(order.start.indexOf(d)).toBeLessThan(order.start.indexOf(service));
        expect(order.stop.indexOf(d)).toBeGreaterThan(order.stop.indexOf(service));
      }
    }
  });

  it('is the same whatever order the members come in', () => {
    const members = [m('web', 'app'), m('app', 'db'), m('db'), m('metrics'), m('cache')];
    const expected = groupOrder('shop', members).start;
    for (let i = 0; i < 10; i++) {
      const shuffled = [...members].sort(() => Math.random() - 0.5);
      expect(groupOrder('shop', shuffled).start).toEqual(expected);
    }
  });

  it('ignores dependencies outside the group, and reports them', () => {
    const order = groupOrder('shop', [m('app', 'db', 'mailer'), m('db')]);
    expect(order.start).toEqual(['db', 'app']);
    expect(order.outside).toEqual([{ service: 'app', dependsOn: 'mailer' }]);
  });

  it('a single member, and none', () => {
    expect(groupOrder('g', [m('only')])).toEqual({ start: ['only'], stop: ['only'], outside: [] });
    expect(groupOrder('g', [])).toEqual({ start: [], stop: [], outside: [] });
  });

  it('a cycle is an error naming its services, as a path', () => {
    const run = () => groupOrder('shop', [m('web', 'app'), m('app', 'api'), m('api', 'web'), m('db'), m('worker', 'app')]);
    expect(run).toThrow(GroupOrderError);
    expect(run).toThrow('group shop: the members\' depends_on form a cycle (api → web → app → api)');
    try {
      run();
    } catch (err) {
      expect((err as GroupOrderError).code).toBe('BAQUP_GROUP_ORDER');
    }
  });

  it('a two-member cycle, and a member hanging off a cycle is not named in it', () => {
    expect(() => groupOrder('g', [m('a', 'b'), m('b', 'a'), m('c', 'a')])).toThrow('(a → b → a)');
    expect(() => groupOrder('g', [m('z', 'x'), m('x', 'y'), m('y', 'x')])).toThrow('(x → y → x)');
  });

  it('two members claiming one service name', () => {
    expect(() => groupOrder('docs', [m('app'), m('app', 'db')])).toThrow('group docs: two members are service "app"');
  });
});
