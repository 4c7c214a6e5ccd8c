// Inline SVG icons (no icon font, no network). 16×16 viewBox, currentColor strokes.
import type { ReactElement } from 'react';

type P = { size?: number; title?: string };

function Svg({ size = 16, title, children }: P & { children: ReactElement | ReactElement[] }): ReactElement {
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.6"
      strokeLinecap="round" strokeLinejoin="round" aria-hidden={title ? undefined : true} role={title ? 'img' : undefined}>
      {title ? <title>{title}</title> : <g />}
      {children}
    </svg>
  );
}

export const Play = (p: P) => <Svg {...p}><path d="M4.5 2.8v10.4L13 8z" fill="currentColor" stroke="none" /></Svg>;
export const Pause = (p: P) => <Svg {...p}><rect x="3.5" y="3" width="3" height="10" rx=".6" fill="currentColor" stroke="none" /><rect x="9.5" y="3" width="3" height="10" rx=".6" fill="currentColor" stroke="none" /></Svg>;
export const StepIcon = (p: P) => <Svg {...p}><path d="M3 3v10l7-5z" fill="currentColor" stroke="none" /><path d="M12.5 3v10" /></Svg>;
export const Stop = (p: P) => <Svg {...p}><rect x="3.5" y="3.5" width="9" height="9" rx="1" fill="currentColor" stroke="none" /></Svg>;
export const Reset = (p: P) => <Svg {...p}><path d="M3 8a5 5 0 1 0 1.6-3.7" /><path d="M3 2.5v3h3" /></Svg>;
export const Share = (p: P) => <Svg {...p}><circle cx="4" cy="8" r="1.8" /><circle cx="12" cy="3.8" r="1.8" /><circle cx="12" cy="12.2" r="1.8" /><path d="M5.6 7.1l4.8-2.5M5.6 8.9l4.8 2.5" /></Svg>;
export const Sun = (p: P) => <Svg {...p}><circle cx="8" cy="8" r="3" /><path d="M8 1.5v1.5M8 13v1.5M1.5 8H3M13 8h1.5M3.4 3.4l1 1M11.6 11.6l1 1M3.4 12.6l1-1M11.6 4.4l1-1" /></Svg>;
export const Moon = (p: P) => <Svg {...p}><path d="M13 9.5A5.5 5.5 0 0 1 6.5 3a5.5 5.5 0 1 0 6.5 6.5z" /></Svg>;
export const Auto = (p: P) => <Svg {...p}><circle cx="8" cy="8" r="5.5" /><path d="M8 2.5v11" /><path d="M8 2.5a5.5 5.5 0 0 1 0 11z" fill="currentColor" stroke="none" /></Svg>;
export const Help = (p: P) => <Svg {...p}><circle cx="8" cy="8" r="6" /><path d="M6.3 6.2a1.8 1.8 0 1 1 2.5 1.7c-.5.2-.8.6-.8 1.1v.4" /><circle cx="8" cy="11.6" r=".4" fill="currentColor" /></Svg>;
export const Upload = (p: P) => <Svg {...p}><path d="M8 10.5V2.5M4.8 5.5 8 2.3l3.2 3.2" /><path d="M2.5 10.5v2.3c0 .4.3.7.7.7h9.6c.4 0 .7-.3.7-.7v-2.3" /></Svg>;
export const Plus = (p: P) => <Svg {...p}><path d="M8 3.5v9M3.5 8h9" /></Svg>;
export const Minus = (p: P) => <Svg {...p}><path d="M3.5 8h9" /></Svg>;
export const Fit = (p: P) => <Svg {...p}><path d="M2.5 6V2.5H6M10 2.5h3.5V6M13.5 10v3.5H10M6 13.5H2.5V10" /></Svg>;
export const Dice = (p: P) => <Svg {...p}><rect x="2.5" y="2.5" width="11" height="11" rx="2" /><circle cx="5.5" cy="5.5" r=".7" fill="currentColor" /><circle cx="10.5" cy="10.5" r=".7" fill="currentColor" /><circle cx="8" cy="8" r=".7" fill="currentColor" /></Svg>;
export const Close = (p: P) => <Svg {...p}><path d="M4 4l8 8M12 4l-8 8" /></Svg>;
export const Gauge = (p: P) => <Svg {...p}><path d="M2.5 11a5.5 5.5 0 1 1 11 0" /><path d="M8 11l2.5-3.5" /></Svg>;
export const Chevron = (p: P) => <Svg {...p}><path d="M5 6.5 8 9.5l3-3" /></Svg>;
export const Logo = ({ size = 22 }: P) => (
  <svg width={size} height={size} viewBox="0 0 16 16" aria-hidden="true">
    <rect width="16" height="16" rx="3.5" fill="var(--logo-bg)" />
    <g fill="var(--accent)"><rect x="2.5" y="2.5" width="4.5" height="4.5" rx=".8" /><rect x="9" y="9" width="4.5" height="4.5" rx=".8" /></g>
    <g fill="var(--logo-dim)"><rect x="9" y="2.5" width="4.5" height="4.5" rx=".8" /><rect x="2.5" y="9" width="4.5" height="4.5" rx=".8" /></g>
  </svg>
);
