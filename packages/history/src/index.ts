export { History, type HistoryOptions, type Table as HistoryTable } from './history.js';
export { SCHEMA_VERSION } from './schema.js';
export type { DaySummary, DiscoveryRecord, DrillRecord, DrillTargetSummary, NotificationRecord, RestoreRecord, RunPage, RunQuery, RunRecord, SeriesPoint, TargetSummary, VerificationRecord } from './records.js';
