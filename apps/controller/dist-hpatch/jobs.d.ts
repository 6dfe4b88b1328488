import { Subscription, type Observable } from 'rxjs';
import type { BackupJob, BackupResult, DesiredState, Logger } from '@baqup/core';
import { type JobSkipped } from '@baqup/scheduler';
import type { StateStore } from '@baqup/state';
export interface JobsOptions {
    desired$: Observable<DesiredState>;
    store: StateStore;
    logger: Logger;
    timezone: string;
    concurrency: number;
    queueLimit: number;
    runJob: (job: BackupJob) => Observable<BackupResult>;
    onResult: (result: BackupResult) => void;
}
export interface Jobs {
    /** Queue a manual job through the same path as scheduled ones. */
    trigger: (job: BackupJob) => void;
    results$: Observable<BackupResult | JobSkipped>;
    subscription: Subscription;
    /** Stop taking new jobs (ticks and triggers); running ones go on. Resolves when the last one has finished. */
    drain: () => Promise<void>;
}
export declare function startJobs(o: JobsOptions): Jobs;
//# sourceMappingURL=jobs.d.ts.map