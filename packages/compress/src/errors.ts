import { BaqupError } from '@baqup/core';

/** Thrown when a compression level is outside what the chosen compressor accepts (config or label mistake). */
export class InvalidCompressionLevelError extends BaqupError {
  constructor(readonly kind: string, readonly level: number, readonly range: readonly [number, number]) {
    super('BAQUP_COMPRESS_LEVEL_INVALID', `${kind} level ${level} is invalid: expected an integer from ${range[0]} to ${range[1]}`);
  }
}

