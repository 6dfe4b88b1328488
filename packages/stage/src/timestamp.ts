// The layout's timestamp lives in core (the scheduler's job ids and prune use it too).
export { compactTimestamp, parseCompactTimestamp } from '@baqup/core';
