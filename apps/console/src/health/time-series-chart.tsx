import 'uplot/dist/uPlot.min.css';
import { Text } from '@mantine/core';
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import type { Series } from '../api/api-types';

export interface ChartLine {
  readonly label: string;
  readonly values: Series;
  readonly color: string;
  readonly dash?: readonly number[];
}

interface ChartProps {
  readonly title: string;
  /** Epoch seconds of the points. */
  readonly times: readonly number[];
  readonly lines: readonly ChartLine[];
  readonly format: (value: number | null) => string;
  /** A log scale, for ages that span seconds to days. */
  readonly log?: boolean;
  /** What the plot shows, in words: what a screen reader reads instead of the canvas. */
  readonly summary: string;
  readonly testId?: string;
}

const HEIGHT = 180;

/**
 * A time series plot (uPlot, on a canvas), as wide as its container. The plot is created when its
 * lines change and fed new points otherwise, so a refresh does not rebuild it.
 */
export function TimeSeriesChart({ title, times, lines, format, log = false, summary, testId }: ChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = JSON.stringify([lines.map(({ label, color, dash }) => [label, color, dash]), log]);
  const data = useMemo(
    // A log scale has no place for 0: such a point is left out rather than drawn at the bottom.
    () => [[...times], ...lines.map(({ values }) => values.map((value) => (log && value !== null && value <= 0 ? null : value)))] as uPlot.AlignedData,
    [times, lines, log],
  );

  useEffect(() => {
    const element = holder.current;
    if (!element) return undefined;
    const [shownLines, logScale] = JSON.parse(shape) as [[string, string, number[] | undefined][], boolean];
    const created = new uPlot(
      {
        width: element.clientWidth || 480,
        height: HEIGHT,
        scales: { x: { time: true }, y: logScale ? { distr: 3, log: 10 } : { range: (_, __, max) => [0, max > 0 ? max * 1.1 : 1] } },
        // Time ticks far enough apart for their labels; a log axis passes null for the ticks it leaves unlabelled.
        axes: [{ space: 90 }, { size: 72, values: (_, splits) => splits.map((value) => (value === null ? '' : format(value))) }],
        series: [
          {},
          ...shownLines.map(([label, color, dash]) => ({
            label,
            stroke: color,
            width: 2,
            ...(dash ? { dash } : {}),
            value: (_: uPlot, value: number | null) => format(value),
          })),
        ],
        cursor: { drag: { x: false, y: false } },
      },
      [[]],
      element,
    );
    plot.current = created;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) created.setSize({ width: Math.floor(entry.contentRect.width), height: HEIGHT });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      created.destroy();
      plot.current = null;
    };
    // `format` is read once per shape: every caller passes a module-level function.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data, shape]);

  return (
    <figure style={{ margin: 0 }} data-testid={testId}>
      <figcaption>
        <Text fw={600} size="sm">
          {title}
        </Text>
        <Text size="sm" c="dimmed">
          {summary}
        </Text>
      </figcaption>
      <div ref={holder} aria-hidden="true" />
    </figure>
  );
}
