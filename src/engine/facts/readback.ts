// How often the training loop reads its losses back from the device: one home for the schedule.

/**
 * Steps per loss readback. On WebGPU each readback is a full GPU→CPU round trip that drains the
 * queue (WebGL's readPixels waits the same way), so losses stay on the device and are read 8 steps
 * at a time. On WASM and CPU the loss is already in host memory when the step's kernels return:
 * reading it every step costs nothing, and chunking would only hold a rollback point (see
 * Trainer.steps) for no gain.
 */
export const READBACK_EVERY_GPU = 8;

export const readbackEvery = (backend: string): number => (backend === 'webgpu' || backend === 'webgl' ? READBACK_EVERY_GPU : 1);
