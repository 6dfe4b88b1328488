// Adds suggested labels to a compose file's text: into the service's block `labels:` map or `KEY=value` list, or
// as a new `labels:` map after its last key. Positions come from the yaml library's parsed Document (node
// ranges); the text around them is never re-serialised, so every comment, blank line and quote stays as written.
// The result is parsed again and must show exactly the old labels plus the new ones, or nothing is written.
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { keyValues } from '../lint/compose-file.js';

export interface Addition {
  key: string;
  labels: Record<string, string>;
  mergedLabels: boolean;
}

export interface WriteResult {
  /** The new text; the same string when nothing was added. */
  text: string;
  written: string[];
  skipped: Array<{ service: string; reason: string }>;
}

interface Insert {
  at: number;
  text: string;
}

const q = (s: string): string => JSON.stringify(s);

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** Offset just after the line that holds `pos - 1` (the end of a node). */
function afterLine(text: string, end: number): number {
  if (end > 0 && text[end - 1] === '\n') return end;
  const i = text.indexOf('\n', end);
  return i < 0 ? text.length : i + 1;
}

function start(node: unknown): number | undefined {
  return (node as Node | null)?.range?.[0];
}

function end(node: unknown): number | undefined {
  return (node as Node | null)?.range?.[1];
}

/** The whitespace before a node on its line, or undefined when something else is there (flow style). */
function indentOf(text: string, pos: number): string | undefined {
  const prefix = text.slice(lineStart(text, pos), pos);
  return /^[ ]*$/.test(prefix) ? prefix : undefined;
}

function plan(text: string, doc: Document.Parsed, a: Addition): Insert | string {
  const entries = Object.entries(a.labels);
  const svc = doc.getIn(['services', a.key], true);
  if (!isMap(svc) || svc.flow) return 'the service is not written as a block map';
  if (a.mergedLabels) return 'its labels come from a merge key (<<:); a labels: key here would replace them, so add these by hand';
  const pair = svc.items.find((p) => (p.key as { value?: unknown } | null)?.value === 'labels');
  const labels = pair?.value;
  if (pair && labels != null && !(isScalar(labels) && labels.value == null)) {
    if ((!isMap(labels) && !isSeq(labels)) || labels.flow || labels.items.length === 0) return 'its labels: are not a block map or list; add these by hand';
    const last = labels.items[labels.items.length - 1]!;
    const lastEnd = isMap(labels) ? end((last as { value?: unknown }).value) ?? end((last as { key?: unknown }).key) : end(last);
    if (lastEnd === undefined) return 'its labels could not be located in the file';
    if (isMap(labels)) {
      const firstKey = start(labels.items[0]!.key);
      const indent = firstKey === undefined ? undefined : indentOf(text, firstKey);
      if (indent === undefined) return 'its labels could not be located in the file';
      return { at: afterLine(text, lastEnd), text: entries.map(([k, v]) => `${indent}${k}: ${q(v)}\n`).join('') };
    }
    const firstItem = start(labels.items[0]);
    if (firstItem === undefined) return 'its labels could not be located in the file';
    const prefix = text.slice(lineStart(text, firstItem), firstItem);
    if (!/^[ ]*-[ ]+$/.test(prefix)) return 'its labels: list could not be located in the file';
    return { at: afterLine(text, lastEnd), text: entries.map(([k, v]) => `${prefix}${q(`${k}=${v}`)}\n`).join('') };
  }
  // No labels (or an empty `labels:`): a new map after the service's last key, at its keys' indent.
  const firstKey = start(svc.items[0]?.key);
  const indent = firstKey === undefined ? undefined : indentOf(text, firstKey);
  const lastPair = svc.items[svc.items.length - 1];
  const lastEnd = end(lastPair?.value) ?? end(lastPair?.key);
  if (indent === undefined || lastEnd === undefined) return 'the service could not be located in the file';
  const body = entries.map(([k, v]) => `${indent}  ${k}: ${q(v)}\n`).join('');
  if (pair) {
    // `labels:` with nothing after it: fill it in right below.
    const keyEnd = end(pair.key);
    if (keyEnd === undefined) return 'its labels could not be located in the file';
    return { at: afterLine(text, keyEnd), text: body };
  }
  return { at: afterLine(text, lastEnd), text: `${indent}labels:\n${body}` };
}

function labelsAfter(text: string, key: string): Record<string, string> | undefined {
  const doc = parseDocument(text, { merge: true });
  if (doc.errors.length > 0) return undefined;
  const svc = (doc.toJS({ maxAliasCount: 1000 }) as { services?: Record<string, { labels?: unknown }> })?.services?.[key];
  return svc ? keyValues(svc.labels) : undefined;
}

export function addLabels(text: string, doc: Document.Parsed, additions: readonly Addition[]): WriteResult {
  const result: WriteResult = { text, written: [], skipped: [] };
  const inserts: Array<Insert & { service: string; expected: Record<string, string> }> = [];
  for (const a of additions) {
    if (Object.keys(a.labels).length === 0) continue;
    const p = plan(text, doc, a);
    if (typeof p === 'string') result.skipped.push({ service: a.key, reason: p });
    else inserts.push({ ...p, service: a.key, expected: { ...(labelsAfter(text, a.key) ?? {}), ...a.labels } });
  }
  let out = text;
  for (const i of [...inserts].sort((x, y) => y.at - x.at)) {
    const sep = i.at === out.length && out.length > 0 && !out.endsWith('\n') ? '\n' : '';
    out = `${out.slice(0, i.at)}${sep}${i.text}${out.slice(i.at)}`;
  }
  for (const i of inserts) {
    const got = labelsAfter(out, i.service);
    if (!got || JSON.stringify(Object.entries(got).sort()) !== JSON.stringify(Object.entries(i.expected).sort())) {
      return { text, written: [], skipped: [...result.skipped, ...inserts.map((x) => ({ service: x.service, reason: 'the edited file did not read back as expected; nothing was written' }))] };
    }
  }
  result.text = out;
  result.written = inserts.map((i) => i.service);
  return result;
}
