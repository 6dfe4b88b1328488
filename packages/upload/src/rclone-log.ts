// rclone `--use-json-log` lines: stats lines become progress events, error lines become the failure reason.

export interface UploadProgress {
  bytes: number;
  totalBytes: number;
  /** Current transfer rate in bytes per second (0 when rclone has not measured one yet). */
  bytesPerSecond: number;
  elapsedSeconds: number;
}

export type RcloneLogLine =
  | { kind: 'progress'; progress: UploadProgress }
  | { kind: 'error'; message: string }
  | { kind: 'other'; level: string; message: string };

interface JsonLog {
  level?: string;
  msg?: string;
  object?: string;
  stats?: {
    bytes?: number;
    totalBytes?: number;
    speed?: number;
    elapsedTime?: number;
    transferring?: Array<{ speed?: number; speedAvg?: number }>;
  };
}

/** One line of rclone's JSON log; null for lines that are not JSON (rclone prints some fatal errors plain). */
export function parseRcloneLogLine(line: string): RcloneLogLine | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return null;
  let log: JsonLog;
  try {
    log = JSON.parse(trimmed) as JsonLog;
  } catch {
    return null;
  }
  if (log.stats !== undefined) {
    const s = log.stats;
    const elapsed = s.elapsedTime ?? 0;
    const bytes = s.bytes ?? 0;
    // rclone's own `speed` is 0 for the first seconds; fall back to the per-file rate, then the average.
    const live = s.speed || s.transferring?.[0]?.speed || (elapsed > 0 ? bytes / elapsed : 0);
    return {
      kind: 'progress',
      progress: { bytes, totalBytes: s.totalBytes ?? 0, bytesPerSecond: Math.round(live), elapsedSeconds: elapsed },
    };
  }
  const message = [log.object, log.msg].filter((x) => x !== undefined && x !== '').join(': ');
  if (log.level === 'error' || log.level === 'critical') return { kind: 'error', message };
  return { kind: 'other', level: log.level ?? 'info', message };
}
