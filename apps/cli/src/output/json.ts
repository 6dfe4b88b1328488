// One JSON casing for everything the CLI prints: snake_case, as in the logs. API answers and library reports
// (camelCase in places) are converted at the edge, so a script never meets `nextRun` beside `dry_run`.

const snake = (key: string): string => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();

/** Deep copy with every object key in snake_case; arrays, dates and primitives keep their values. */
export function snakeCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeCaseKeys);
  if (value === null || typeof value !== 'object') return value;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return snakeCaseKeys((value as { toJSON(): unknown }).toJSON());
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [/^[a-z][A-Za-z0-9]*$/.test(k) ? snake(k) : k, snakeCaseKeys(v)]));
}

/** The command's report on stdout, snake_case, indented. */
export function printJson(value: unknown): void {
  console.log(JSON.stringify(snakeCaseKeys(value), null, 2));
}
