// Figures as a Markdown table (pasted as-is into bench/README.md) and number formats shared by the benches.

/** `rows` are arrays of cells; columns after the first are right-aligned. */
export function markdownTable(header, rows) {
  const line = (cells) => `| ${cells.map((c) => String(c).replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

export const mb = (bytes) => (bytes / 1e6).toFixed(1);
export const mbps = (bytes, ms) => (ms > 0 ? (bytes / 1e6 / (ms / 1000)).toFixed(1) : '–');
export const mib = (kb) => (kb / 1024).toFixed(0);
export const fixed = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '–');
