// A tiny SVG line chart of one series over a time window (no chart library: a few dozen lines,
// drawn by the browser, scaled to any width from 320 px up). Its title and latest value are
// text: visible in the caption and read as the image's label by screen readers. Missing values
// (null) break the line; a point with no neighbour is drawn as a dot so a single sample shows.
// A small viewBox, so that its text stays readable when the chart is 300 px wide.
const W = 320;
const H = 120;
const TOP = 10;
const BOTTOM = 22;
const LEFT = 44;
const RIGHT = 8;

export interface LineChartProps {
  title: string;
  // Milliseconds since the epoch, oldest first, and one value (or null) for each.
  times: number[];
  values: (number | null)[];
  // The window drawn (from, to), in milliseconds.
  from: number;
  to: number;
  format: (v: number) => string;
  // The time axis' labels (its two ends).
  tick: (ms: number) => string;
  // The top of the scale at least this (1 for a ratio); else the largest value.
  minTop?: number;
  // The text when the series has no value yet.
  empty: string;
  testid?: string;
}

export function LineChart({ title, times, values, from, to, format, tick, minTop = 1, empty, testid }: LineChartProps) {
  const present = values.filter((v): v is number => v !== null);
  const largest = Math.max(0, ...present);
  const top = largest > minTop ? largest * 1.1 : minTop;
  const span = Math.max(1, to - from);
  const x = (t: number) => LEFT + ((t - from) / span) * (W - LEFT - RIGHT);
  const y = (v: number) => H - BOTTOM - (v / top) * (H - TOP - BOTTOM);
  let path = '';
  const dots: [number, number][] = [];
  values.forEach((v, i) => {
    if (v === null) return;
    const before = i > 0 ? values[i - 1] : null;
    const after = i + 1 < values.length ? values[i + 1] : null;
    path += `${before === null || before === undefined ? 'M' : 'L'}${x(times[i]!).toFixed(1)},${y(v).toFixed(1)} `;
    if ((before === null || before === undefined) && (after === null || after === undefined)) dots.push([x(times[i]!), y(v)]);
  });
  let latest: number | null = null;
  for (let i = values.length - 1; i >= 0 && latest === null; i--) latest = values[i] ?? null;
  const latestText = latest === null ? empty : format(latest);
  return (
    <figure class="chart line-chart" data-testid={testid} data-points={present.length}>
      <figcaption class="chart-title">
        <span>{title}</span>
        <strong class="chart-latest">{latestText}</strong>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: ${latestText}`} preserveAspectRatio="xMidYMid meet">
        <line x1={LEFT} y1={H - BOTTOM} x2={W - RIGHT} y2={H - BOTTOM} class="axis" />
        <line x1={LEFT} y1={TOP} x2={LEFT} y2={H - BOTTOM} class="axis" />
        <text x={LEFT - 6} y={TOP + 8} class="tick" text-anchor="end">
          {format(top)}
        </text>
        <text x={LEFT - 6} y={H - BOTTOM + 4} class="tick" text-anchor="end">
          0
        </text>
        <text x={LEFT} y={H - 6} class="tick">
          {tick(from)}
        </text>
        <text x={W - RIGHT} y={H - 6} class="tick" text-anchor="end">
          {tick(to)}
        </text>
        {path && <path d={path.trim()} class="series line" />}
        {dots.map(([cx, cy], i) => (
          <circle key={i} cx={cx} cy={cy} r={3} class="dot line" />
        ))}
      </svg>
    </figure>
  );
}
