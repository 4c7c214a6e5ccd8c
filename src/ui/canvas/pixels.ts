// A canvas whose backing store is the data itself (one pixel per value), drawn with exactly one
// putImageData per draw through a cached ImageData and its Uint32Array view. The context is a CPU
// one (willReadFrequently): putImageData is then a memory copy on this thread, never a wait for a
// GPU process that may be busy with the training worker's WebGPU work.

/** The 2D context of a canvas, CPU-backed (the first getContext call fixes a canvas's settings). */
export function context2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  return canvas.getContext('2d', { willReadFrequently: true })!;
}

class PixelCanvas {
  private image: ImageData | null = null;
  private view: Uint32Array | null = null;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  /** The pixel buffer for a width×height drawing (resizes the canvas when needed). */
  begin(width: number, height: number): Uint32Array {
    const w = Math.max(1, width | 0), h = Math.max(1, height | 0);
    if (this.canvas.width !== w) this.canvas.width = w;
    if (this.canvas.height !== h) this.canvas.height = h;
    if (!this.image || this.image.width !== w || this.image.height !== h) {
      const ctx = context2d(this.canvas);
      this.image = ctx.createImageData(w, h);
      this.view = new Uint32Array(this.image.data.buffer);
    }
    return this.view!;
  }

  end(): void {
    if (this.image) context2d(this.canvas).putImageData(this.image, 0, 0);
  }
}

const byCanvas = new WeakMap<HTMLCanvasElement, PixelCanvas>();

/**
 * The PixelCanvas of this canvas element, made on first use. Keyed by the element, not kept in a
 * component ref: a panel that a method hides ("appears with SViTE") mounts a new canvas when it
 * comes back, and a ref to the old one drew, unseen, into the detached canvas for the rest of the
 * session.
 */
export function pixelCanvas(canvas: HTMLCanvasElement): PixelCanvas {
  let px = byCanvas.get(canvas);
  if (!px) byCanvas.set(canvas, (px = new PixelCanvas(canvas)));
  return px;
}

export type { PixelCanvas };

/** Sets a canvas's pixel size for HiDPI vector drawing; returns the 2D context scaled to CSS px. */
export function hidpi(canvas: HTMLCanvasElement, cssWidth: number, cssHeight: number): CanvasRenderingContext2D {
  const dpr = Math.min(3, globalThis.devicePixelRatio || 1);
  const w = Math.max(1, Math.round(cssWidth * dpr)), h = Math.max(1, Math.round(cssHeight * dpr));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${cssHeight}px`;
  const ctx = context2d(canvas);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return ctx;
}
