export { CronInvalidError, TimezoneInvalidError } from './errors.js';
export { nextRunTimes, nextRun } from './cron.js';
export { scheduleEntries, nextRuns } from './entries.js';
export { cronTimer } from './timer.js';
export { schedule } from './schedule.js';
export { newJobId, toJobs, manualJob } from './job.js';
export { JobCanceller, runPipeline, type CancelOutcome, type JobSkipped, type JobQueueControl } from './run-jobs.js';
