import { useContainers, useStatus, useSummaries, useVerified } from '../data.js';
import { counts, targetRows } from '../model.js';

/** The target rows and counts every view shares. */
export function useRows() {
  const containers = useContainers();
  const status = useStatus();
  const summaries = useSummaries();
  const verified = useVerified();
  const list = containers.data ?? [];
  const rows = targetRows(list, status.data, summaries.data, verified.data);
  return { containers: list, status: status.data, rows, counts: counts(rows, list), loading: containers.isPending, error: containers.error ?? status.error };
}
