// Rewrite a tar stream entry by entry, leaving out excluded paths. Streaming: one entry in flight, its body
// piped into the packer (backpressure both ways), an excluded entry's body drained.
import { PassThrough, type Readable } from 'node:stream';
import * as tar from 'tar-stream';
import type { ExcludeMatcher } from './exclude.js';
import { relativeToRoot } from './exclude.js';

export interface FilterStats {
  entries: number;
  excluded: number;
}

/** The archive without the entries `exclude` matches. Errors of the source or the tar parser destroy the result. */
export function filterTar(source: Readable, exclude: ExcludeMatcher, stats: FilterStats = { entries: 0, excluded: 0 }): Readable {
  const extract = tar.extract();
  const pack = tar.pack();
  // tar-stream's streams are streamx streams: hand out a plain node stream.
  const out = new PassThrough();
  let failed = false;
  const fail = (err: Error) => {
    if (failed) return;
    failed = true;
    out.destroy(err);
    extract.destroy(err);
    pack.destroy(err);
    source.destroy();
  };
  source.on('error', fail);
  extract.on('error', fail);
  pack.on('error', fail);
  extract.on('entry', (header, body, next) => {
    const rel = relativeToRoot(header.name);
    if (rel !== undefined && exclude(rel)) {
      stats.excluded++;
      body.on('error', fail);
      body.on('end', () => next());
      body.resume();
      return;
    }
    stats.entries++;
    const sink = pack.entry(header, (err) => (err ? fail(err) : next()));
    // Destroying the whole rewrite destroys the entry in flight too: its errors are ours to swallow.
    body.on('error', fail);
    sink.on('error', fail);
    body.pipe(sink);
  });
  extract.on('finish', () => pack.finalize());
  source.pipe(extract);
  pack.pipe(out);
  out.once('close', () => {
    if (!out.writableFinished) fail(new Error('archive output closed early'));
  });
  return out;
}
