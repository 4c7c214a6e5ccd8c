// React glue for canvases: draw when streamed data changes (at most once per animation frame,
// through the scheduler) and when the panel's own inputs change; track an element's width.
import { useEffect, useRef, useState, type RefObject } from 'react';
import { subscribe } from '../frames/scheduler';

/**
 * Calls draw now and on every scheduled frame until unmount or until deps change. With `key`, a
 * scheduled draw is skipped while the key (the data the panel shows) is the same as last time.
 */
export function useFrameDraw(name: string, draw: () => void, deps: readonly unknown[], key?: () => unknown): void {
  const ref = useRef(draw);
  ref.current = draw;
  const keyRef = useRef(key);
  keyRef.current = key;
  useEffect(() => {
    let last = keyRef.current?.();
    ref.current();
    return subscribe(() => {
      const k = keyRef.current?.();
      if (keyRef.current && Object.is(k, last)) return;
      last = k;
      ref.current();
    }, name);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
}

/** The content width of an element, updated on resize (rounded to whole CSS pixels). */
export function useWidth<T extends HTMLElement>(): [RefObject<T | null>, number] {
  const ref = useRef<T | null>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0].contentRect.width);
      setWidth((old) => (old === w ? old : w));
    });
    ro.observe(el);
    setWidth(Math.floor(el.getBoundingClientRect().width));
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}
