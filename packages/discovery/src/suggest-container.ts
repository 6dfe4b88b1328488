// suggestLabels for a container as the engine reports it: image, env names, mounts, labels, and the SQLite files
// found on its volumes. The CLI's `suggest --running` and the dashboard's unprotected containers both use this.
import { suggestLabels, type SuggestInput, type SuggestOptions, type Suggestion } from '@baqup/core';
import type { ContainerInfo, DockerClient } from '@baqup/docker';
import { findSqliteFiles, type FindSqliteOptions } from './sqlite-files.js';

/** What detection reads of an inspected container (env values are dropped here). */
export function suggestInputOf(c: ContainerInfo, sqliteFiles: readonly string[] = []): SuggestInput {
  const envNames = c.env.map((e) => (e.includes('=') ? e.slice(0, e.indexOf('=')) : e)).filter((n) => n.length > 0);
  const mounts = c.mounts.filter((m) => m.type === 'volume' || m.type === 'bind').map((m) => m.destination);
  return { name: c.name, image: c.image, envNames, mounts, labels: c.labels, sqliteFiles };
}

export interface SuggestContainerOptions extends SuggestOptions, FindSqliteOptions {
  /** Search the volumes of a running container for SQLite files; default true. */
  findSqlite?: boolean;
}

/** A suggestion for one inspected container; the SQLite search runs only on a running, not yet protected one. */
export async function suggestForContainer(docker: DockerClient, c: ContainerInfo, options: SuggestContainerOptions = {}): Promise<Suggestion> {
  const plain = suggestLabels(suggestInputOf(c), options);
  if (options.findSqlite === false || plain.status === 'protected' || plain.targets.some((t) => t.type !== 'fs' && t.type !== 'sqlite')) return plain;
  const input = suggestInputOf(c);
  if (!c.state.running) {
    if (input.mounts.length > 0) plain.notes.push('not running: its volumes were not searched for SQLite files');
    return plain;
  }
  const found = await findSqliteFiles(docker, c.id, input.mounts, options);
  const withFiles = suggestLabels(suggestInputOf(c, found.files), options);
  withFiles.notes.push(...found.notes);
  return withFiles;
}
