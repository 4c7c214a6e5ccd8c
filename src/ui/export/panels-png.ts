// Every panel on screen as a PNG: each card's canvases stacked on one image (a panel may draw on
// several, e.g. a chart's plot), on the card's own background, zipped into one download (a
// browser asks before letting a page save many files at once).
import { zipSync } from 'fflate';

/** A file-name-safe name for a card: its caption, heading or test id. */
function panelName(card: HTMLElement, used: Set<string>): string {
  const title = card.querySelector('figcaption, h3')?.firstChild?.textContent ?? card.getAttribute('aria-label') ?? card.dataset.testid ?? 'panel';
  const base = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'panel';
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
  used.add(name);
  return name;
}

function toPng(canvas: HTMLCanvasElement): Promise<Uint8Array> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => {
    if (!b) reject(new Error('the browser could not encode the panel as PNG'));
    else b.arrayBuffer().then((a) => resolve(new Uint8Array(a)), reject);
  }, 'image/png'));
}

/** One card's visible canvases, stacked top to bottom at their own resolution. */
function stack(card: HTMLElement): HTMLCanvasElement | null {
  const parts = [...card.querySelectorAll('canvas')].filter((c) => c.width > 0 && c.height > 0 && c.offsetParent !== null);
  if (!parts.length) return null;
  const out = document.createElement('canvas');
  out.width = Math.max(...parts.map((c) => c.width));
  out.height = parts.reduce((h, c) => h + c.height, 0);
  const g = out.getContext('2d');
  if (!g) return null;
  g.fillStyle = getComputedStyle(card).backgroundColor || '#fff';
  g.fillRect(0, 0, out.width, out.height);
  let y = 0;
  for (const c of parts) {
    g.drawImage(c, 0, y);
    y += c.height;
  }
  return out;
}

/** name.png → bytes for every card on the page that draws on a canvas. */
export async function panelPngs(root: ParentNode = document): Promise<Record<string, Uint8Array>> {
  const used = new Set<string>();
  const files: Record<string, Uint8Array> = {};
  for (const card of root.querySelectorAll<HTMLElement>('.card')) {
    const canvas = stack(card);
    if (canvas) files[`${panelName(card, used)}.png`] = await toPng(canvas);
  }
  return files;
}

export async function panelsZip(): Promise<Uint8Array> {
  const files = await panelPngs();
  if (!Object.keys(files).length) throw new Error('no panel has drawn anything yet');
  return zipSync(files, { level: 0 }); // PNGs are compressed already
}
