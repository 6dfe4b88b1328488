// Where the views' data comes from: the live stream fills the TanStack Query cache (containers, status, jobs), and
// the history routes are fetched on demand. A route that is not there (no history: 503) reads as empty.
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { ApiError, apiFetch } from './api.js';
import type { BackupEntry, ContainerView, DaySummary, JobView, RunRecord, StatusView, TargetSummary, UnprotectedContainer } from './model.js';
import { verifiedKeys } from './model.js';
import { openStream, type StreamHandle } from './stream.js';
import type { SseEvent } from './sse.js';

export const keys = { containers: ['containers'], status: ['status'], jobs: ['jobs'], history: ['history'] } as const;

/** Applies one stream event to the cache; the history is refetched when a job finished. */
export function applyEvent(qc: QueryClient, e: SseEvent): void {
  let data: unknown;
  try {
    data = JSON.parse(e.data);
  } catch {
    return;
  }
  if (e.event === 'snapshot') {
    const s = data as { containers: ContainerView[]; status: StatusView; jobs: JobView[] };
    qc.setQueryData(keys.containers, s.containers);
    qc.setQueryData(keys.status, s.status);
    qc.setQueryData(keys.jobs, s.jobs);
    void qc.invalidateQueries({ queryKey: keys.history });
  } else if (e.event === 'containers' || e.event === 'status') {
    qc.setQueryData([e.event], data);
  } else if (e.event === 'jobs') {
    const before = new Set((qc.getQueryData<JobView[]>(keys.jobs) ?? []).filter((j) => j.finished_at).map((j) => j.job_id));
    const jobs = data as JobView[];
    qc.setQueryData(keys.jobs, jobs);
    if (jobs.some((j) => j.finished_at && !before.has(j.job_id))) void qc.invalidateQueries({ queryKey: keys.history });
  }
}

export const connectStream = (qc: QueryClient): StreamHandle => openStream((e) => applyEvent(qc, e));

const live = { staleTime: Infinity, refetchInterval: 60_000 } as const;

export const useContainers = () => useQuery({ queryKey: keys.containers, queryFn: ({ signal }) => apiFetch<ContainerView[]>('containers', { signal }), ...live });
export const useStatus = () => useQuery({ queryKey: keys.status, queryFn: ({ signal }) => apiFetch<StatusView>('status', { signal }), ...live });
export const useJobs = () => useQuery({ queryKey: keys.jobs, queryFn: async ({ signal }) => (await apiFetch<{ jobs: JobView[] }>('jobs', { signal })).jobs, ...live });

/** The history's answer, or `empty` when there is no history (503) or no such route yet (404). */
async function optional<T>(f: () => Promise<T>, empty: T): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof ApiError && (err.status === 503 || err.status === 404)) return empty;
    throw err;
  }
}

export const useSummaries = () =>
  useQuery({ queryKey: [...keys.history, 'targets'], queryFn: ({ signal }) => optional(async () => (await apiFetch<{ targets: TargetSummary[] }>('history/targets', { signal })).targets, []), staleTime: 30_000 });

export const useVerified = () =>
  useQuery({
    queryKey: [...keys.history, 'verified'],
    queryFn: async ({ signal }) => {
      const read = (kind: string) => optional(async () => (await apiFetch<{ records: Array<Record<string, unknown>> }>(`history/${kind}?limit=1000`, { signal })).records, []);
      const [v, d] = await Promise.all([read('verifications'), read('drills')]);
      return verifiedKeys([...v, ...d]);
    },
    staleTime: 60_000,
  });

export const useDays = (container: string, target: string) =>
  useQuery({
    queryKey: [...keys.history, 'days', container, target],
    queryFn: ({ signal }) => optional(async () => (await apiFetch<{ days: DaySummary[] }>(`history/days?container=${encodeURIComponent(container)}&target=${encodeURIComponent(target)}&days=30`, { signal })).days, []),
    staleTime: 60_000,
  });

const q = (params: Record<string, string | undefined>) =>
  Object.entries(params).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${encodeURIComponent(v!)}`).join('&');

export const useUnprotected = () =>
  useQuery({ queryKey: ['unprotected'], queryFn: ({ signal }) => apiFetch<{ checked: number; checked_at: string; containers: UnprotectedContainer[]; problems: Array<{ container: string; message: string }> }>('unprotected', { signal }), staleTime: 30_000, refetchInterval: 60_000 });

export const useBackups = (container: string, target: string) =>
  useQuery({ queryKey: [...keys.history, 'backups', container, target], queryFn: ({ signal }) => apiFetch<{ backups: BackupEntry[]; problems: Array<{ source: string; message: string }> }>(`backups?${q({ container, target })}`, { signal }), staleTime: 30_000 });

export const useRuns = (container: string, target: string) =>
  useQuery({ queryKey: [...keys.history, 'runs', container, target], queryFn: ({ signal }) => optional(async () => (await apiFetch<{ runs: RunRecord[] }>(`runs?${q({ container, target, limit: '200' })}`, { signal })).runs, []), staleTime: 30_000 });

export const useDrills = (container: string) =>
  useQuery({ queryKey: [...keys.history, 'drills', container], queryFn: ({ signal }) => optional(async () => (await apiFetch<{ records: Array<Record<string, unknown>> }>(`history/drills?${q({ container, limit: '50' })}`, { signal })).records, []), staleTime: 60_000 });

export const useConfig = () => useQuery({ queryKey: ['config'], queryFn: ({ signal }) => apiFetch<{ config: Record<string, unknown> }>('config', { signal }), staleTime: Infinity });

export interface PrunePreview {
  schedule: string;
  policy: Record<string, unknown>;
  trigger_policies: { manual: Record<string, unknown>; safety: Record<string, unknown> };
  sides: Array<{ side: 'staging' | 'remote'; listed: number; keep: Array<{ path: string; group: string; why: string }>; deleted: string[]; error?: { code: string; message: string } }>;
}

export const usePrunePreview = (container: string, target: string, enabled: boolean) =>
  useQuery({ queryKey: [...keys.history, 'prune', container, target], queryFn: ({ signal }) => apiFetch<PrunePreview>(`backups/prune-preview?${q({ container, target })}`, { signal }), staleTime: 30_000, enabled });

export const useLabels = (container: string, enabled: boolean) =>
  useQuery({ queryKey: ['labels', container], queryFn: ({ signal }) => apiFetch<{ labels: Record<string, string> }>(`containers/${encodeURIComponent(container)}/labels`, { signal }), staleTime: 30_000, enabled });

export const useJobLogs = (id: string, enabled: boolean) =>
  useQuery({ queryKey: ['job-logs', id], queryFn: ({ signal }) => optional(async () => (await apiFetch<{ lines: Array<Record<string, unknown>> }>(`jobs/${encodeURIComponent(id)}/logs`, { signal })).lines, undefined), staleTime: 10_000, enabled });
