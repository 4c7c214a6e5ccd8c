// Small operations on ImageSets that loaders and the assembly share.
import type { ImageSet } from './types';

export const imageBytes = (s: Pick<ImageSet, 'height' | 'width' | 'channels'>): number => s.height * s.width * s.channels;

/** Joins sets of equal geometry, in order (e.g. CIFAR-10's five training batches). */
export function concatImageSets(sets: ImageSet[]): ImageSet {
  if (sets.length === 0) throw new Error('concatImageSets: no sets given');
  if (sets.length === 1) return sets[0];
  const { height, width, channels } = sets[0];
  for (const s of sets)
    if (s.height !== height || s.width !== width || s.channels !== channels)
      throw new Error(`concatImageSets: geometry ${s.height}×${s.width}×${s.channels} differs from ${height}×${width}×${channels}`);
  const count = sets.reduce((n, s) => n + s.count, 0);
  const images = new Uint8Array(count * imageBytes(sets[0]));
  const labels = new Uint8Array(count);
  let at = 0;
  for (const s of sets) {
    images.set(s.images.subarray(0, s.count * imageBytes(s)), at * imageBytes(s));
    labels.set(s.labels.subarray(0, s.count), at);
    at += s.count;
  }
  return { images, labels, count, height, width, channels };
}

/** Images [start, end) as a new set (copied, so its buffers stand alone). */
export function sliceImageSet(s: ImageSet, start: number, end = s.count): ImageSet {
  const n = imageBytes(s);
  return { ...s, images: s.images.slice(start * n, end * n), labels: s.labels.slice(start, end), count: end - start };
}

export function labelCounts(s: ImageSet, numClasses = 10): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < s.count; i++) counts[s.labels[i]]++;
  return counts;
}
