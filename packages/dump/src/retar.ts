// Rewrite a tar stream entry by entry, with a decision per entry. Streaming: one entry in flight, its body
// piped into the packer (backpressure both ways), a skipped entry's body drained; an Error fails the whole output
// before that entry's header is written. A decision may also give the entry a new header (`{ header }`), and
// `drop: true` writes that header without a body (the old body drained): a file entry turned into a hardlink.
import { PassThrough, type Readable } from 'node:stream';
import * as tar from 'tar-stream';

export type EntryDecision = 'keep' | 'skip' | Error | { header: tar.Header; drop?: boolean };

export function retar(source: Readable, decide: (header: tar.Header) => EntryDecision): Readable {
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
    const decision = decide(header);
    if (decision instanceof Error) {
      body.on('error', () => {});
      return fail(decision);
    }
    // Destroying the whole rewrite destroys the entry in flight too: its errors are ours to swallow.
    body.on('error', fail);
    if (decision === 'skip') {
      body.on('end', () => next());
      body.resume();
      return;
    }
    const rewritten = typeof decision === 'object' ? decision.header : header;
    if (typeof decision === 'object' && decision.drop) {
      let drained = false;
      let packed = false;
      const both = () => drained && packed && next();
      body.on('end', () => ((drained = true), both()));
      body.resume();
      pack.entry({ ...rewritten, size: 0 }, (err) => (err ? fail(err) : ((packed = true), both())));
      return;
    }
    const sink = pack.entry(rewritten, (err) => (err ? fail(err) : next()));
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
