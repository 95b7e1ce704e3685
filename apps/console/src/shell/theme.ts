import { type CSSVariablesResolver, createTheme } from '@mantine/core';

/**
 * Mantine's theme with AA contrast: the primary shade 8 (white on it is 4.9:1, on shade 6 only
 * 3.5:1) and system fonts (nothing fetched, no layout shift).
 */
export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: 8,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  fontFamilyMonospace: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace',
  headings: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
  defaultRadius: 'sm',
});

/** Series colours from the Okabe-Ito palette (told apart with colour blindness), each at least 3:1 on white. */
export const SERIES_COLORS = ['#0072B2', '#D55E00', '#009E73', '#6A3D9A', '#8C6D1F', '#4D4D4D'] as const;

/** Mantine's dimmed text (gray 6) is 3.3:1 on white, below AA for small text: gray 7 is 7:1. */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' },
  dark: {},
});
