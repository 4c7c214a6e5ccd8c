// A popover closes on a mouse-down anywhere outside it (Share, Export, the backend details).
import { useEffect, useRef, type RefObject } from 'react';

export function useClickAway<T extends HTMLElement>(open: boolean, close: () => void): RefObject<T | null> {
  const root = useRef<T>(null);
  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent): void => {
      if (root.current && !root.current.contains(e.target as Node)) close();
    };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [open, close]);
  return root;
}
