/** A duration as people read it: "45 s", "15 min", "6 h", "7 d" (rounded to whole units). */
export function formatDuration(seconds: number): string {
  const abs = Math.abs(seconds);
  if (abs < 120) return `${Math.round(seconds)} s`;
  if (abs < 120 * 60) return `${Math.round(seconds / 60)} min`;
  if (abs < 48 * 3_600) return `${Math.round(seconds / 3_600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}

/** How long ago `time` (ISO-8601) was at `now` (epoch ms): "3 s ago"; "in 2 s" for a time ahead of this clock. */
export function formatAge(time: string, now: number): string {
  const seconds = (now - Date.parse(time)) / 1_000;
  return seconds < -0.5 ? `in ${formatDuration(-seconds)}` : `${formatDuration(Math.max(0, seconds))} ago`;
}

/** A small number of seconds for a plot's axis or a table: "850 µs", "2.5 ms", "1.2 s". */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) return '–';
  if (seconds === 0) return '0';
  if (seconds < 0.001) return `${Math.round(seconds * 1e6)} µs`;
  if (seconds < 1) return `${Number((seconds * 1_000).toPrecision(2))} ms`;
  return `${Number(seconds.toPrecision(2))} s`;
}

/** A rate per second for a table: "0", "0.2/s", "1,250/s". */
export function formatRate(perSecond: number | null): string {
  if (perSecond === null) return '–';
  if (perSecond === 0) return '0';
  return `${perSecond >= 100 ? Math.round(perSecond).toLocaleString('en') : Number(perSecond.toPrecision(2))}/s`;
}

const VECTOR_SHOWN = 4;

/** A served value as JSON text (so a string shows its quotes); a long vector is cut after a few numbers. */
export function formatValue(value: unknown): string {
  if (Array.isArray(value) && value.length > VECTOR_SHOWN) {
    return `[${value.slice(0, VECTOR_SHOWN).map((item) => JSON.stringify(item)).join(', ')}, … ${value.length} values]`;
  }
  return JSON.stringify(value) ?? 'null';
}
