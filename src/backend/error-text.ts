// Platform-free, so every host (the worker, the e2e harness page) words its errors alike.

/** Words for anything thrown or rejected: Errors, strings, events, tfjs's `{message}` objects. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'string') return err;
  if (err && typeof err === 'object') {
    const o = err as { message?: unknown; type?: unknown; filename?: unknown };
    if (typeof o.message === 'string' && o.message) return o.message;
    if (typeof o.type === 'string') return `an uncaught "${o.type}" event without details${typeof o.filename === 'string' && o.filename ? ` from ${o.filename}` : ''} (a nested worker or script failed?)`;
  }
  try {
    return JSON.stringify(err);
  } catch {
    return String(err);
  }
}
