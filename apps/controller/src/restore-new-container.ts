// The new container of a restore "into a new container" (POST /api/restores with create: true, the dashboard's
// wizard): created like the container that was backed up — its image (by id), command, entrypoint, user, working
// dir and env — with network none, no published ports, no restart policy, fresh anonymous volumes where the image
// (or the source's anonymous volumes) declare them and never the source's binds or named volumes (they hold the
// source's live data). Its labels are the source's without backup.* (baqup does not back it up unless you label it)
// and without com.docker.compose.*, com.docker.swarm.* and com.docker.stack.* (compose or discovery would take it
// for a replica or a task of the service), plus baqup.restored-from.
// A server engine is started and waited for until it takes its client; files (fs, sqlite) are loaded into the
// created container, which the restore then starts.
import { posix } from 'node:path';
import { targetName } from '@baqup/core';
import type { DockerClient } from '@baqup/docker';
import { ensureDir, waitReady } from '@baqup/drill';
import { resolveCredential } from '@baqup/dump';
import type { NewContainerRequest } from '@baqup/restore';

export const RESTORED_FROM_LABEL = 'baqup.restored-from';

/** The new container's labels from its source's. */
export function newContainerLabels(source: Record<string, string>, from: string): Record<string, string> {
  const kept = Object.entries(source).filter(([k]) => !['backup.', 'com.docker.compose.', 'com.docker.swarm.', 'com.docker.stack.'].some((p) => k.startsWith(p)));
  return { ...Object.fromEntries(kept), [RESTORED_FROM_LABEL]: from };
}

export function newContainerCreator(docker: DockerClient, o: { readyTimeoutMs?: number } = {}): (req: NewContainerRequest) => Promise<{ id: string }> {
  return async ({ source, name, target, signal }) => {
    const from = `${source.name}/${targetName(target)}`;
    const id = await docker.createCopy({ sourceId: source.id, name, labels: (l) => newContainerLabels(l, from), ...(signal ? { signal } : {}) });
    if (target.type === 'fs' || target.type === 'sqlite') {
      const path = posix.normalize(target.path ?? '/').replace(/\/+$/, '') || '/';
      await ensureDir(docker, id, target.type === 'sqlite' ? posix.dirname(path) : path, signal);
      return { id };
    }
    await docker.start(id, signal);
    const password = target.password ? await resolveCredential(docker, id, target.password, { containerName: name, ...(signal ? { signal } : {}) }) : undefined;
    await waitReady(docker, id, target, password, o.readyTimeoutMs ?? 180_000, signal ?? new AbortController().signal);
    return { id };
  };
}
