// The plotter tab: lines of numbers in the output are plotted live, one series per column,
// the formats Mu's and Thonny's plotters accept: `1.0 2.5`, `1, 2`, `(1, 2, 3)`,
// `a=1 b=2`, `a: 1, b: 2`. A rolling window keeps the last points; pause, clear and CSV
// download are the panel's buttons. Drawing is uPlot's.

import uPlot from 'uplot';

/** The last this many points of each series are kept. */
const WINDOW = 500;

export interface Sample {
  /** Names where the line gave them (`a=1`), else null per column. */
  names: (string | null)[];
  values: number[];
}

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** The numbers of one output line, or null when it is not a line of numbers. */
export function parseLine(line: string): Sample | null {
  let text = line.trim();
  if (text === '') return null;
  if ((text.startsWith('(') && text.endsWith(')')) || (text.startsWith('[') && text.endsWith(']'))) text = text.slice(1, -1);
  const tokens = text
    .replace(/\s*([=:])\s*/g, '$1')
    .split(/[\s,;]+/)
    .filter((token) => token !== '');
  if (tokens.length === 0 || tokens.length > 16) return null;
  const names: (string | null)[] = [];
  const values: number[] = [];
  for (const token of tokens) {
    const named = /^([A-Za-z_][\w.]*)[=:](.+)$/.exec(token);
    const number = named ? named[2] : token;
    if (!NUMBER.test(number)) return null;
    names.push(named ? named[1] : null);
    values.push(Number(number));
  }
  return { names, values };
}

export interface Plotter {
  /** Feeds program output (any chunking); complete lines of numbers are plotted. */
  feed(text: string): void;
  clear(): void;
  /** Drops a partial line (a prompt, say) so that the next output starts a line of its own. */
  endLine(): void;
  readonly paused: boolean;
  setPaused(paused: boolean): void;
  /** The data as CSV: a header of series names, a row per point. */
  csv(): string;
  /** Draws again at the panel's size (after it was hidden). */
  resize(): void;
  setTheme(dark: boolean): void;
}

const COLOURS = ['#e3874a', '#58a6ff', '#3fb950', '#d2a8ff', '#f85149', '#39c5cf', '#d29922', '#ff7bbf'];

export function createPlotter(parent: HTMLElement, caption: HTMLElement): Plotter {
  let pending = '';
  let paused = false;
  let names: string[] = [];
  let series: number[][] = [];
  let xs: number[] = [];
  let count = 0;
  let chart: uPlot | null = null;
  let frame = 0;
  let dark = true;

  const empty = document.createElement('p');
  empty.className = 'plot-empty';
  empty.textContent = 'Print numbers to plot them: print(x, y) or print("temp=", t) in a loop.';
  parent.append(empty);

  function build() {
    chart?.destroy();
    chart = null;
    if (names.length === 0) return;
    const axis = { stroke: dark ? '#8b949e' : '#57606a', grid: { stroke: dark ? '#21262d' : '#eaeef2' }, ticks: { stroke: dark ? '#30363d' : '#d0d7de' } };
    chart = new uPlot(
      {
        width: Math.max(parent.clientWidth, 100),
        height: Math.max(parent.clientHeight - 40, 80),
        legend: { show: true },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false } },
        axes: [axis, axis],
        series: [{ label: 'sample' }, ...names.map((label, i) => ({ label, stroke: COLOURS[i % COLOURS.length], width: 1.5, points: { show: false } }))],
      },
      [xs, ...series],
      parent,
    );
  }

  function draw() {
    frame = 0;
    const points = xs.length;
    caption.textContent = names.length ? `${names.length} series · ${points} points${paused ? ' · paused' : ''}` : 'No data';
    parent.dataset.points = String(points);
    parent.dataset.series = String(names.length);
    empty.hidden = names.length > 0;
    if (!chart || chart.series.length !== names.length + 1) build();
    else chart.setData([xs, ...series]);
  }

  function schedule() {
    if (!frame) frame = requestAnimationFrame(draw);
  }

  function add(sample: Sample) {
    // A line with more columns than before adds series; earlier points of those are gaps.
    while (names.length < sample.values.length) {
      const i = names.length;
      names.push(sample.names[i] ?? `column ${i + 1}`);
      series.push(xs.map(() => NaN));
    }
    sample.names.forEach((name, i) => {
      if (name && names[i].startsWith('column ')) names[i] = name;
    });
    xs.push(count++);
    series.forEach((values, i) => values.push(i < sample.values.length ? sample.values[i] : NaN));
    if (xs.length > WINDOW) {
      xs = xs.slice(-WINDOW);
      series = series.map((values) => values.slice(-WINDOW));
    }
  }

  const plotter: Plotter = {
    feed(text) {
      pending += text;
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? '';
      if (pending.length > 4096) pending = '';
      if (paused) return;
      let changed = false;
      for (const line of lines) {
        // A program's first line may follow a REPL prompt the board showed just before it ran.
        const sample = parseLine(line.replace(/^(>>>|\.\.\.) /, ''));
        if (sample) {
          add(sample);
          changed = true;
        }
      }
      if (changed) schedule();
    },
    endLine() {
      pending = '';
    },
    clear() {
      names = [];
      series = [];
      xs = [];
      count = 0;
      pending = '';
      chart?.destroy();
      chart = null;
      schedule();
    },
    get paused() {
      return paused;
    },
    setPaused(next) {
      paused = next;
      schedule();
    },
    csv() {
      const header = ['sample', ...names].map((n) => (/[",\n]/.test(n) ? `"${n.replace(/"/g, '""')}"` : n)).join(',');
      const rows = xs.map((x, i) => [x, ...series.map((values) => (Number.isNaN(values[i]) ? '' : values[i]))].join(','));
      return [header, ...rows].join('\n') + '\n';
    },
    resize() {
      if (chart && parent.clientWidth > 0) chart.setSize({ width: parent.clientWidth, height: Math.max(parent.clientHeight - 40, 80) });
    },
    setTheme(next) {
      dark = next;
      build();
    },
  };
  new ResizeObserver(() => plotter.resize()).observe(parent);
  draw();
  return plotter;
}
