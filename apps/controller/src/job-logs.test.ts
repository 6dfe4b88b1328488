import { describe, expect, it } from 'vitest';
import { JobLogs } from './job-logs.js';

describe('JobLogs', () => {
  it("keeps each job's lines, bounded per job and in jobs", () => {
    const logs = new JobLogs(2, 3);
    logs.add({ msg: 'no job' });
    for (let i = 0; i < 5; i++) logs.add({ msg: `a${i}`, job_id: 'a' });
    logs.add({ msg: 'b0', job_id: 'b' });
    expect(logs.get('a')!.map((l) => l.msg)).toEqual(['a0', 'a1', 'a2', "more than 3 lines: the rest are only in the controller's log"]);
    logs.add({ msg: 'c0', job_id: 'c' });
    expect(logs.get('a')).toBeUndefined();
    expect(logs.get('b')!.map((l) => l.msg)).toEqual(['b0']);
    expect(logs.get('c')!.map((l) => l.msg)).toEqual(['c0']);
  });
});
