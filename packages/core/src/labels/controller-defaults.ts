// What the controller config contributes to every container's labels: schedules and target defaults.
import type { Compression, ScheduleConfig } from '../model.js';

export type Compressor = Exclude<Compression, 'none'>;

export interface ControllerDefaults {
  /** Named schedules every container may reference; its own `backup.schedule.*` labels override them by name. */
  schedules: Record<string, ScheduleConfig>;
  target: {
    /** Schedule of a target without a `schedule` label. */
    schedule: string;
    /** Compression of a target without a `compress` label. */
    compress: Compression;
    /** What `compress=true` means. */
    compression: Compressor;
    compressionLevel: Record<Compressor, number>;
    timeoutSeconds: number;
  };
}

/** Retention of a schedule a label defines without any retention. */
export const DEFAULT_RETENTION = { keepLast: 7 } as const;
