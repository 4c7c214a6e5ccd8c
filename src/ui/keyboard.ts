// Global shortcuts: space start/pause, → step, r reset, ? help, Esc closes overlays. Silent while
// the user types in a field or works a control that uses these keys itself.
import { useEffect } from 'react';
import { studio } from './store';
import * as session from './session/session';

function typing(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable) return true;
  const tag = t.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (t as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'file'].includes(type);
  }
  return false;
}

export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      const s = studio.getState();
      if (e.key === 'Escape') {
        if (s.helpOpen) s.setHelpOpen(false);
        if (s.shareOpen) s.setShareOpen(false);
        return;
      }
      if (typing(e.target)) return;
      // A focused button answers space itself; the shortcut must not fire twice.
      if (e.key === ' ' && e.target instanceof HTMLButtonElement) return;
      switch (e.key) {
        case ' ':
          e.preventDefault();
          session.toggle();
          return;
        case 'ArrowRight':
          e.preventDefault();
          session.step();
          return;
        case 'r':
        case 'R':
          session.reset();
          return;
        case '?':
          s.setHelpOpen(!s.helpOpen);
          return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
