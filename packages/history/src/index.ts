export { History, type HistoryOptions } from './history.js';
export { SCHEMA_VERSION } from './schema.js';
export type { DaySummary, DiscoveryRecord, DrillRecord, NotificationRecord, RestoreRecord, RunPage, RunQuery, RunRecord, SeriesPoint, TargetSummary } from './records.js';
