// Schema pieces shared by the routes. Answers are documented, not filtered (server.ts serializes with
// JSON.stringify), and a unit test checks real answers against these schemas so the document stays true.
import { errorRef } from './errors.js';

export const isoTime = { type: 'string', format: 'date-time' } as const;

/** `{ 400: ApiError, 401: …}` for the listed statuses. */
export function errors(...statuses: number[]): Record<number, typeof errorRef> {
  return Object.fromEntries(statuses.map((s) => [s, errorRef]));
}

/** Params, query or body objects refuse names they do not define. */
export function strictObject<P extends Record<string, unknown>>(properties: P, required: (keyof P & string)[] = []) {
  return { type: 'object', additionalProperties: false, properties, ...(required.length > 0 ? { required } : {}) } as const;
}
