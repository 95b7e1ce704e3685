import type { ReactNode } from 'react';

/**
 * A wide table that scrolls sideways on a narrow screen instead of widening the page; focusable,
 * so that a keyboard can scroll it too.
 */
export function ScrollX({ label, children }: { readonly label: string; readonly children: ReactNode }) {
  return (
    // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex -- a scrolling region must be reachable by keyboard (WCAG 2.1.1)
    <div className="scroll-x" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
