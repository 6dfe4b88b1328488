// The human format: `22:30:00.123 INFO  job.failed  dump failed  container=db target=postgres-main error="…" (CODE)`.

const LEVEL_LABEL: Record<string, string> = { error: 'ERROR', warn: 'WARN ', info: 'INFO ', debug: 'DEBUG' };
const LEVEL_COLOR: Record<string, string> = { error: '\x1b[31m', warn: '\x1b[33m', info: '\x1b[32m', debug: '\x1b[90m' };
const RESET = '\x1b[0m';

function quote(value: string): string {
  return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return JSON.stringify(value);
}

/** One readable line from a line object built by `lineObject` (already cleaned and redacted). */
export function textLine(line: Record<string, unknown>, colors: boolean): string {
  const { time, level, msg, event, error, ...rest } = line;
  const levelName = String(level);
  let label = LEVEL_LABEL[levelName] ?? levelName.toUpperCase();
  if (colors) label = `${LEVEL_COLOR[levelName] ?? ''}${label}${RESET}`;
  const parts = [String(time), label];
  if (event !== undefined) parts.push(String(event));
  parts.push(String(msg));
  for (const [key, value] of Object.entries(rest)) parts.push(`${key}=${formatValue(value)}`);
  if (error !== undefined) {
    const { message, code } = error as { message?: unknown; code?: unknown };
    parts.push(`error=${formatValue(String(message))} (${String(code)})`);
  }
  return parts.join('  ').replace(/[\r\n]+/g, ' ');
}
