// Just enough LogQL to check docs/logging.md's queries against real log lines without a Loki: the stream selector,
// the pipeline stages the docs use (`json`, label filters, `unwrap`, `line_format`), the range function and the
// `by (...)` grouping. Stages it does not know are an error, so a new query cannot pass unchecked.
import { readFileSync } from 'node:fs';

export type Stage =
  | { kind: 'json' }
  | { kind: 'filter'; label: string; op: '=' | '!='; value: string }
  | { kind: 'unwrap'; label: string }
  | { kind: 'line_format'; template: string; fields: string[] };

export interface ParsedQuery {
  text: string;
  selector: Record<string, string>;
  stages: Stage[];
  /** `count_over_time`, `sum_over_time`, `max_over_time`…; undefined for a log query. */
  rangeFunction?: string;
  /** Every label named in a `by (...)` clause. */
  groupBy: string[];
}

/** `### id` headings followed by ```logql blocks: id → queries. */
export function queriesOf(markdown: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let id: string | undefined;
  const re = /^### (\S+)\s*$|^```logql\n([\s\S]*?)\n```/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    if (m[1]) id = m[1];
    else if (m[2] && id) out.set(id, [...(out.get(id) ?? []), m[2].trim()]);
  }
  return out;
}

export function readQueries(path: string): Map<string, string[]> {
  return queriesOf(readFileSync(path, 'utf8'));
}

/** Splits on `|` outside double quotes. */
function splitPipes(s: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\' && quoted) {
      cur += ch + (s[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === '|' && !quoted) {
      parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  parts.push(cur.trim());
  return parts;
}

export function parseQuery(text: string): ParsedQuery {
  const sel = /\{([^{}]*)\}/.exec(text);
  if (!sel) throw new Error(`no stream selector in: ${text}`);
  const selector: Record<string, string> = {};
  for (const m of sel[1]!.matchAll(/(\w+)\s*=\s*"([^"]*)"/g)) selector[m[1]!] = m[2]!;
  // The pipeline runs from the selector to a range `[1d]` or, for a log query, to the end.
  let rest = text.slice(sel.index + sel[0].length);
  const range = /\s*\[\w+\]/.exec(rest);
  if (range) rest = rest.slice(0, range.index);
  else if (/\)\s*$/.test(rest)) throw new Error(`metric query without a range: ${text}`);
  const [head, ...stageTexts] = splitPipes(rest);
  if (head !== '') throw new Error(`unexpected text after the selector: "${head}"`);
  const stages = stageTexts.map((s): Stage => {
    if (s === 'json') return { kind: 'json' };
    let m = /^(\w+)\s*(=|!=)\s*"([^"]*)"$/.exec(s);
    if (m) return { kind: 'filter', label: m[1]!, op: m[2] as '=' | '!=', value: m[3]! };
    m = /^unwrap\s+(\w+)$/.exec(s);
    if (m) return { kind: 'unwrap', label: m[1]! };
    m = /^line_format\s+"((?:[^"\\]|\\.)*)"$/.exec(s);
    if (m) return { kind: 'line_format', template: m[1]!, fields: [...m[1]!.matchAll(/\{\{\s*\.(\w+)\s*\}\}/g)].map((f) => f[1]!) };
    throw new Error(`pipeline stage this checker does not know: "${s}"`);
  });
  const rangeFunction = /(\w+_over_time)\s*\(/.exec(text)?.[1];
  const groupBy = [...text.matchAll(/\bby\s*\(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((l) => l.trim()).filter(Boolean));
  return { text, selector, stages, ...(rangeFunction ? { rangeFunction } : {}), groupBy };
}

/** What `| json` makes of a line: nested objects flattened with `_`, every value a string (Loki labels are strings). */
export function jsonLabels(line: Record<string, unknown>, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(line)) {
    const key = `${prefix}${k}`;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, jsonLabels(v as Record<string, unknown>, `${key}_`));
    else out[key] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

export interface Selected {
  line: Record<string, unknown>;
  labels: Record<string, string>;
  /** After `unwrap`: the sample value. */
  value?: number;
  /** After `line_format`: the rendered line. */
  rendered?: string;
}

/**
 * Runs the pipeline over `lines` (the stream selector is the shipper's label: every baqup line carries it).
 * `unwrap` of a field that is not a JSON number throws (Loki would mark the sample `__error__`); `line_format` of a
 * field the line does not have throws (it would render empty).
 */
export function runPipeline(q: ParsedQuery, lines: readonly Record<string, unknown>[]): Selected[] {
  const out: Selected[] = [];
  next: for (const line of lines) {
    let sel: Selected = { line, labels: {} };
    for (const st of q.stages) {
      if (st.kind === 'json') sel = { ...sel, labels: { ...sel.labels, ...jsonLabels(line) } };
      else if (st.kind === 'filter') {
        const v = sel.labels[st.label] ?? '';
        if ((st.op === '=') !== (v === st.value)) continue next;
      } else if (st.kind === 'unwrap') {
        const raw = line[st.label];
        if (typeof raw !== 'number' || !Number.isFinite(raw)) throw new Error(`unwrap ${st.label}: not a number in ${JSON.stringify(line)}`);
        sel = { ...sel, value: raw };
      } else {
        const missing = st.fields.filter((f) => sel.labels[f] === undefined || sel.labels[f] === '');
        if (missing.length) throw new Error(`line_format: ${missing.join(', ')} missing in ${JSON.stringify(line)}`);
        sel = { ...sel, rendered: st.template.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_, f: string) => sel.labels[f]!) };
      }
    }
    out.push(sel);
  }
  return out;
}

/** `fn by (groupBy)` over the selected samples (count when nothing is unwrapped). */
export function aggregate(selected: readonly Selected[], groupBy: readonly string[], fn: 'sum' | 'max' | 'count'): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of selected) {
    for (const g of groupBy) if (s.labels[g] === undefined) throw new Error(`group label ${g} missing in ${JSON.stringify(s.line)}`);
    const key = groupBy.map((g) => s.labels[g]).join('/');
    const v = fn === 'count' ? 1 : s.value!;
    const prev = out.get(key);
    out.set(key, prev === undefined ? v : fn === 'max' ? Math.max(prev, v) : prev + v);
  }
  return out;
}
