import { describe, expect, it } from 'vitest';
import { parseRcloneLogLine } from './rclone-log.js';

describe('parseRcloneLogLine', () => {
  it('turns a stats line into progress, falling back to the per-file speed', () => {
    const line =
      '{"level":"warning","msg":"  4 MiB / 28 MiB","stats":{"bytes":4255744,"elapsedTime":0.25,"speed":0,"totalBytes":30000000,' +
      '"transferring":[{"bytes":4255744,"speed":21435499.3}]},"time":"2026-11-21T22:26:19Z"}';
    expect(parseRcloneLogLine(line)).toEqual({
      kind: 'progress',
      progress: { bytes: 4255744, totalBytes: 30000000, bytesPerSecond: 21435499, elapsedSeconds: 0.25 },
    });
  });

  it('averages when no rate is known yet', () => {
    const r = parseRcloneLogLine('{"stats":{"bytes":100,"elapsedTime":2,"speed":0,"totalBytes":100}}');
    expect(r).toMatchObject({ kind: 'progress', progress: { bytesPerSecond: 50 } });
  });

  it('reports error lines with their object', () => {
    expect(parseRcloneLogLine('{"level":"error","msg":"file does not exist","object":"a.bin"}')).toEqual({
      kind: 'error',
      message: 'a.bin: file does not exist',
    });
  });

  it('ignores plain text and broken JSON', () => {
    expect(parseRcloneLogLine('2026/11/21 Failed to copy')).toBeNull();
    expect(parseRcloneLogLine('{"level":')).toBeNull();
  });
});
