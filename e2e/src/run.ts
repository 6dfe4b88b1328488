// Identity of this test run, stamped on every container it starts so cleanup and leftover sweeps find them.
export const LABEL_E2E = 'baqup.e2e';
export const LABEL_RUN = 'baqup.e2e.run';
export const LABEL_PID = 'baqup.e2e.pid';
export const LABEL_STARTED = 'baqup.e2e.started';

/** globalSetup sets BAQUP_E2E_RUN before workers fork, so a run's workers share one id. */
export const runId: string = (process.env.BAQUP_E2E_RUN ??= `r${Date.now().toString(36)}${process.pid.toString(36)}`);
