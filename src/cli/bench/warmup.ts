// How long a speed measurement warms up, on our side and the PyTorch peer's (kept free of tfjs
// imports: the browser benchmark runs the peer from tsx).

/**
 * Steps (then inference batches) left unmeasured before the measured ones. Our WASM speed builds
 * up over a process's first few dozen steps on this machine (with 2 threads: the main thread
 * waits longer for the kernel helper at first; not with 1), so 3 measured mostly that. The
 * PyTorch peer gets as many.
 */
export const WARMUP_STEPS = 20;
