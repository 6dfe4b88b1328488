export { History, type Table as HistoryTable } from './history.js';
export type { DaySummary, DrillRecord, DrillTargetSummary, RestoreRecord, RunRecord, TargetSummary, VerificationRecord } from './records.js';
