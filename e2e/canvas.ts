// Reading what a panel drew, for tests that check a canvas changed.
import type { Page } from '@playwright/test';

type CanvasLike = { tagName: string; toDataURL(): string; querySelector(s: string): CanvasLike | null };

/** The pixels of a canvas (by test id, or the first canvas inside the element with that id). */
export async function pixels(page: Page, testid: string): Promise<string> {
  return page.getByTestId(testid).evaluate((node) => {
    const el = node as unknown as CanvasLike;
    const canvas = el.tagName === 'CANVAS' ? el : el.querySelector('canvas');
    if (!canvas) throw new Error('no canvas');
    return canvas.toDataURL();
  });
}
