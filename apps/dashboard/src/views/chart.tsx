// A small bar chart in SVG (no chart library: a few hundred bytes instead of tens of KB): one bar per run, oldest
// left, bars far from the target's usual (median-based) marked.
import { farFromUsual, median } from '../model.js';

export function Bars({ title, values, labels, format, testId }: { title: string; values: number[]; labels: string[]; format: (v: number) => string; testId: string }) {
  if (values.length === 0) return <p className="muted">{title}: no runs yet.</p>;
  const max = Math.max(...values, 1);
  const far = farFromUsual(values);
  const m = median(values);
  const w = 8;
  const gap = 2;
  const h = 60;
  const width = values.length * (w + gap);
  const outliers = far.filter(Boolean).length;
  return (
    <figure className="chart" data-testid={testId} data-outliers={outliers}>
      <figcaption>
        {title} · usual {m !== undefined ? format(m) : '—'}{outliers > 0 ? ` · ${outliers} far from usual` : ''}
      </figcaption>
      <svg viewBox={`0 0 ${width} ${h}`} width="100%" height={h} preserveAspectRatio="none" role="img" aria-label={`${title}: ${values.length} runs, usual ${m !== undefined ? format(m) : '—'}, ${outliers} far from usual`}>
        {m !== undefined && <line x1={0} x2={width} y1={h - (m / max) * h} y2={h - (m / max) * h} className="median" />}
        {values.map((v, i) => {
          const bh = Math.max(1, (v / max) * h);
          return (
            <rect key={i} x={i * (w + gap)} y={h - bh} width={w} height={bh} className={far[i] ? 'far' : ''}>
              <title>{`${labels[i]}: ${format(v)}${far[i] ? ' (far from usual)' : ''}`}</title>
            </rect>
          );
        })}
      </svg>
    </figure>
  );
}
