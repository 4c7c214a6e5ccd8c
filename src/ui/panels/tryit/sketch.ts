// The drawing surface of the Try-it panel: strokes with mouse, touch or pen (pointer events), an
// image file painted to fill it, and the model-size pixels read back from it. DOM only, no React.
import { context2d } from '../../canvas/pixels';
import { channelsToRgba, rgbaToChannels } from './pixels';

/** Backing pixels per side: enough for smooth strokes, small enough to read back at once. */
export const SKETCH_SIZE = 168;
const BACKGROUND = '#000000';
const INK = '#ffffff';

export function clearSketch(canvas: HTMLCanvasElement): void {
  canvas.width = SKETCH_SIZE;
  canvas.height = SKETCH_SIZE;
  const ctx = context2d(canvas);
  ctx.fillStyle = BACKGROUND;
  ctx.fillRect(0, 0, SKETCH_SIZE, SKETCH_SIZE);
}

/** Lets the user draw on the canvas; `done` after each stroke. Returns the cleanup. */
export function attachPen(canvas: HTMLCanvasElement, done: () => void): () => void {
  let last: { x: number; y: number } | null = null;
  const at = (e: PointerEvent) => {
    const r = canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * SKETCH_SIZE, y: ((e.clientY - r.top) / r.height) * SKETCH_SIZE };
  };
  const line = (to: { x: number; y: number }): void => {
    const ctx = context2d(canvas);
    ctx.strokeStyle = INK;
    ctx.lineWidth = SKETCH_SIZE / 10; // a stroke about as wide as a pen line in a digit
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo((last ?? to).x, (last ?? to).y);
    ctx.lineTo(to.x + (last ? 0 : 0.01), to.y);
    ctx.stroke();
    last = to;
  };
  const down = (e: PointerEvent): void => {
    e.preventDefault();
    canvas.setPointerCapture(e.pointerId);
    last = null;
    line(at(e));
  };
  const move = (e: PointerEvent): void => {
    if (last) line(at(e));
  };
  const up = (): void => {
    if (!last) return;
    last = null;
    done();
  };
  canvas.addEventListener('pointerdown', down);
  canvas.addEventListener('pointermove', move);
  canvas.addEventListener('pointerup', up);
  canvas.addEventListener('pointercancel', up);
  return () => {
    canvas.removeEventListener('pointerdown', down);
    canvas.removeEventListener('pointermove', move);
    canvas.removeEventListener('pointerup', up);
    canvas.removeEventListener('pointercancel', up);
  };
}

/** Paints an image (a picked or dropped file) to fill the canvas, centred, aspect kept. */
export function paintImage(canvas: HTMLCanvasElement, image: ImageBitmap): void {
  clearSketch(canvas);
  const s = Math.max(SKETCH_SIZE / image.width, SKETCH_SIZE / image.height);
  const w = image.width * s, h = image.height * s;
  context2d(canvas).drawImage(image, (SKETCH_SIZE - w) / 2, (SKETCH_SIZE - h) / 2, w, h);
}

/** Paints a model input (HWC) onto the canvas, scaled up with hard pixel edges. */
export function paintInput(canvas: HTMLCanvasElement, hwc: Uint8Array, size: number, channels: number): void {
  const small = document.createElement('canvas');
  small.width = size;
  small.height = size;
  context2d(small).putImageData(new ImageData(channelsToRgba(hwc, channels), size, size), 0, 0);
  clearSketch(canvas);
  const ctx = context2d(canvas);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, 0, 0, SKETCH_SIZE, SKETCH_SIZE);
}

/** The canvas resized to the model's input (smooth downscale), as uint8 HWC with its channels. */
export function readInput(canvas: HTMLCanvasElement, size: number, channels: number): Uint8Array {
  const small = document.createElement('canvas');
  small.width = size;
  small.height = size;
  const ctx = context2d(small);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(canvas, 0, 0, size, size);
  return rgbaToChannels(ctx.getImageData(0, 0, size, size).data, channels);
}
