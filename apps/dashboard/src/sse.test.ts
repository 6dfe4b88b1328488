import { describe, expect, it } from 'vitest';
import { SseParser } from './sse.js';

describe('SseParser', () => {
  it('parses events split anywhere across chunks, with ids, comments and multi-line data', () => {
    const text = ': heartbeat\n\nid: a-1\nevent: snapshot\ndata: {"x":\ndata: 1}\n\nevent: jobs\r\ndata: []\r\n\r\ndata:plain\n\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const p = new SseParser();
      const events = [...p.feed(text.slice(0, cut)), ...p.feed(text.slice(cut))];
      expect(events, `cut at ${cut}`).toEqual([
        { event: 'snapshot', data: '{"x":\n1}', id: 'a-1' },
        { event: 'jobs', data: '[]', id: 'a-1' },
        { event: 'message', data: 'plain', id: 'a-1' },
      ]);
      expect(p.lastEventId).toBe('a-1');
    }
  });

  it('dispatches nothing for an event without data, and waits for the blank line', () => {
    const p = new SseParser();
    expect(p.feed('event: x\n\n')).toEqual([]);
    expect(p.feed('data: 1\n')).toEqual([]);
    expect(p.feed('\n')).toEqual([{ event: 'message', data: '1' }]);
  });

  it('keeps the last id across events and ignores ids with NUL', () => {
    const p = new SseParser();
    p.feed('id: 7\ndata: a\n\nid: bad\0\ndata: b\n\n');
    expect(p.lastEventId).toBe('7');
  });
});
