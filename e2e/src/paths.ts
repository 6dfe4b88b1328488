// Where the harness lives on disk: image recipes under e2e/images, the repo root for scripts/.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const e2eRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(e2eRoot, '..');
export const imagesDir = join(e2eRoot, 'images');
