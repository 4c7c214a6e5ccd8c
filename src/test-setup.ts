// Engine tests run on tfjs's pure-JS CPU backend: exact, deterministic, available everywhere.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from './engine/tf';

// tfjs's IS_TEST per-kernel leak check counts the tensors a custom gradient saves for its backward
// pass (LayerNorm saves x̂ and rstd) as leaks, though the engine frees them after backprop. Engine
// tests assert instead that no tensor outlives them; the trainer's leak test also counts backend
// buffers over many steps of every method.
tf.env().set('IS_TEST', false);
await tf.setBackend('cpu');
