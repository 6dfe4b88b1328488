import { describe, expect, it } from 'vitest';
import { detectZstdVersion } from './tool-version.js';

describe('detectZstdVersion', () => {
  it('reads the installed zstd version', async () => {
    expect(await detectZstdVersion()).toMatch(/^\d+\.\d+\.\d+$/);
  });
  it('rejects when the binary is missing', async () => {
    await expect(detectZstdVersion('/nonexistent/zstd')).rejects.toHaveProperty('code', 'BAQUP_PROC_SPAWN_FAILED');
  });
});
