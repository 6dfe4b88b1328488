// useCleanup(): a test file's containers are removed even when tests fail — per test for containers started
// inside a test (or its beforeEach), per file for those started in beforeAll.
import { afterAll, afterEach, beforeEach } from 'vitest';
import { drainScopes, popScope, pushScope, removeContainers } from './containers.js';

export function useCleanup(): void {
  beforeEach(() => pushScope());
  afterEach(async () => removeContainers(popScope()));
  afterAll(async () => removeContainers(drainScopes()));
}
