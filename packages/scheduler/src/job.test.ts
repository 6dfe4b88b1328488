import { describe, expect, it } from 'vitest';
import { container, desired, target } from './__fixtures__/builders.js';
import { nextRuns } from './entries.js';
import { compactTimestamp, jobFromTick, manualJob, newJobId } from './job.js';

const pg = container('app-db', { daily: '0 3 * * *', hourly: '0 * * * *' }, [target('postgres', 'main', 'daily'), target('fs', 'config', 'hourly')]);

describe('jobs', () => {
  it('ids are the trigger instant plus randomness: sortable and unique', () => {
    const at = new Date('2024-01-15T03:00:00Z');
    expect(compactTimestamp(at)).toBe('20240115T030000Z');
    const ids = new Set(Array.from({ length: 1000 }, () => newJobId(at)));
    expect(ids.size).toBe(1000);
    expect([...ids][0]).toMatch(/^20240115T030000Z-[0-9a-f]{8}$/);
  });

  it('a tick becomes a scheduled job for its run time', () => {
    const at = new Date('2026-03-29T01:30:00Z');
    const j = jobFromTick({ key: 'app-db/postgres-main', container: pg, target: pg.targets[0]!, schedule: pg.schedules.daily!, at });
    expect(j).toMatchObject({ trigger: 'schedule', triggeredAt: at, schedule: { name: 'daily' }, target: { type: 'postgres' } });
    expect(j.id.startsWith('20260329T013000Z-')).toBe(true);
  });

  it('a manual job uses the target schedule (for retention)', () => {
    const now = new Date('2026-01-01T12:00:00Z');
    expect(manualJob(pg, pg.targets[1]!, now)).toMatchObject({ trigger: 'manual', triggeredAt: now, schedule: { name: 'hourly' } });
  });
});

describe('nextRuns', () => {
  it('lists every target with its next runs in the zone, soonest first, invalid ones last with the reason', () => {
    const broken = container('broken', { x: '0 0 31 2 *' }, [target('redis', 'cache', 'x'), target('sqlite', 'db', 'missing')]);
    const plan = nextRuns(desired(broken, pg), new Date('2026-03-29T00:10:00Z'), 'Europe/Berlin', 2);
    expect(plan.map((p) => [p.key, p.next.map((d) => d.toISOString()), p.error !== undefined])).toEqual([
      // hourly across the spring-forward gap: 02:00 CET does not exist, 03:00 CEST is next
      ['app-db/fs-config', ['2026-03-29T01:00:00.000Z', '2026-03-29T02:00:00.000Z'], false],
      ['app-db/postgres-main', ['2026-03-29T01:00:00.000Z', '2026-03-30T01:00:00.000Z'], false],
      ['broken/redis-cache', [], true],
      ['broken/sqlite-db', [], true],
    ]);
    expect(plan[2]!.error).toMatch(/invalid cron expression/);
    expect(plan[3]!.error).toBe('unknown schedule "missing"');
  });
});
