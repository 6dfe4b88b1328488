// Docker's multiplexed attach stream (exec without a TTY): frames of
//   [stream type: 0 stdin | 1 stdout | 2 stderr][0 0 0][payload length: uint32 BE][payload]
// This Transform emits stdout bytes and hands stderr bytes to a callback. Unlike docker-modem's demuxStream
// (which writes to its targets ignoring their return value), it respects backpressure: a Transform only asks for
// the next input chunk once its readable side has been read, so `socket.pipe(demux)` pauses the socket when the
// stdout consumer is slow. Payloads are forwarded as they arrive, never gathered into whole frames, so a large
// frame does not have to sit in memory either.
import { Transform, type TransformCallback } from 'node:stream';
import { DockerStreamError } from './errors.js';

const HEADER = 8;

export interface DemuxOptions {
  onStderr?: (chunk: Buffer) => void;
  highWaterMark?: number;
}

export class DemuxStream extends Transform {
  readonly #onStderr: (chunk: Buffer) => void;
  /** Header bytes gathered so far when a header is split across chunks. */
  #header = Buffer.alloc(HEADER);
  #headerFill = 0;
  /** Stream type and bytes left of the frame whose payload is being forwarded. */
  #type = 0;
  #remaining = 0;

  constructor(options: DemuxOptions = {}) {
    super(options.highWaterMark === undefined ? {} : { highWaterMark: options.highWaterMark });
    this.#onStderr = options.onStderr ?? (() => {});
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.#remaining > 0) {
        const take = Math.min(this.#remaining, chunk.length - pos);
        const payload = chunk.subarray(pos, pos + take);
        pos += take;
        this.#remaining -= take;
        if (this.#type === 2) this.#onStderr(payload);
        else this.push(payload);
        continue;
      }
      const take = Math.min(HEADER - this.#headerFill, chunk.length - pos);
      chunk.copy(this.#header, this.#headerFill, pos, pos + take);
      this.#headerFill += take;
      pos += take;
      if (this.#headerFill < HEADER) break;
      this.#headerFill = 0;
      const type = this.#header[0]!;
      if (type > 2 || this.#header[1] !== 0 || this.#header[2] !== 0 || this.#header[3] !== 0) {
        callback(new DockerStreamError(`Invalid frame header in exec stream (type byte ${type})`));
        return;
      }
      this.#type = type;
      this.#remaining = this.#header.readUInt32BE(4);
    }
    callback();
  }

  override _flush(callback: TransformCallback): void {
    if (this.#headerFill > 0 || this.#remaining > 0) {
      callback(new DockerStreamError('Exec stream ended in the middle of a frame'));
      return;
    }
    callback();
  }
}

/** Encode one frame; used by tests and by anything that needs to speak the protocol back. */
export function encodeFrame(type: 0 | 1 | 2, payload: Buffer): Buffer {
  const header = Buffer.alloc(HEADER);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}
