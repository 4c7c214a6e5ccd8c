// A macrotask boundary between steps, so queued commands (pause, stop, …) get handled even when a
// backend resolves its readbacks in microtasks only (CPU, WASM). MessageChannel, unlike
// setTimeout(0), is not clamped to 4 ms when nested.

const channel = new MessageChannel();
const waiting: Array<() => void> = [];
channel.port1.onmessage = () => waiting.shift()?.();

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}
