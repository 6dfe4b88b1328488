export { History, type Table as HistoryTable } from './history.js';
export type { DrillRecord, DrillTargetSummary, RestoreRecord, RunRecord, VerificationRecord } from './records.js';
