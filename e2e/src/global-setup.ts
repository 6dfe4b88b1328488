// vitest globalSetup: an engine that answers (started here if need be), leftovers of dead runs swept, and the
// images the suite needs built before any test starts (so no test spends its timeout on apt).
import { sweepStale } from './containers.js';
import { ensureEngine, stopEngine } from './engine.js';
import { ensureImages, IMAGE_KINDS, type ImageKind } from './images.js';
import { runId } from './run.js';

function wantedKinds(): ImageKind[] {
  const env = process.env.BAQUP_E2E_IMAGES;
  if (!env) return [...IMAGE_KINDS];
  const kinds = env.split(',').map((s) => s.trim()).filter(Boolean) as ImageKind[];
  const bad = kinds.filter((k) => !IMAGE_KINDS.includes(k));
  if (bad.length) throw new Error(`e2e: BAQUP_E2E_IMAGES names unknown kinds: ${bad.join(', ')}`);
  return kinds;
}

export default async function setup(): Promise<() => Promise<void>> {
  const t0 = Date.now();
  const engine = await ensureEngine();
  if (engine.startedPid) console.log(`e2e: started dockerd (pid ${engine.startedPid}, log ${engine.logFile})`);
  try {
    const swept = await sweepStale();
    if (swept) console.log(`e2e: removed ${swept} leftover container(s) of earlier runs`);
    const t1 = Date.now();
    const tags = await ensureImages(wantedKinds());
    console.log(`e2e: run ${runId}; images ready in ${((Date.now() - t1) / 1000).toFixed(1)} s: ${tags.join(' ')}`);
  } catch (err) {
    await stopEngine(engine);
    throw err;
  }
  console.log(`e2e: global setup took ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return async () => {
    try {
      await sweepStale({ ownRun: runId });
    } finally {
      await stopEngine(engine);
      if (engine.startedPid) console.log('e2e: stopped the dockerd this run started');
    }
  };
}
