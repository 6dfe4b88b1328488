// The log lines of each job since the controller started (every line carrying its job_id, redacted as written),
// for GET /api/jobs/{id}/logs and the dashboard's run detail. Bounded: the last MAX_JOBS jobs, MAX_LINES each.
export type LogLine = Readonly<Record<string, unknown>>;

export class JobLogs {
  readonly #byJob = new Map<string, LogLine[]>();

  constructor(
    private readonly maxJobs = 200,
    private readonly maxLines = 200,
  ) {}

  /** The logger's onLine: keeps lines with a job_id, drops the oldest job when over maxJobs. */
  add = (line: LogLine): void => {
    const id = line.job_id;
    if (typeof id !== 'string' || id.length === 0) return;
    let lines = this.#byJob.get(id);
    if (!lines) {
      lines = [];
      this.#byJob.set(id, lines);
      if (this.#byJob.size > this.maxJobs) this.#byJob.delete(this.#byJob.keys().next().value!);
    }
    if (lines.length < this.maxLines) lines.push(line);
    else if (lines.length === this.maxLines) lines.push({ time: line.time, level: 'warn', msg: `more than ${this.maxLines} lines: the rest are only in the controller's log`, job_id: id });
  };

  get(id: string): readonly LogLine[] | undefined {
    return this.#byJob.get(id);
  }
}
