// Saves bytes or text as a file through a temporary object URL.
export function download(name: string, content: Uint8Array | string, type: string): void {
  const blob = new Blob([content as BlobPart], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoking at once can cancel a download the browser has not started reading yet.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A file stem that says what the run was: method, preset, seed, step. */
export function runFileStem(c: { method: string; preset: string; seed: number }, step: number): string {
  return `sparse-vit-${c.preset}-${c.method}-seed${c.seed}-step${step}`;
}
