// The engine's single door to tfjs: core ops plus every gradient (tfjs-core alone registers none).
import '@tensorflow/tfjs-core'; // first: its flags must exist before the gradients register
import '@tensorflow/tfjs-core/dist/register_all_gradients';

export * from '@tensorflow/tfjs-core';
