// Engine tests run on tfjs's pure-JS CPU backend: exact, deterministic, available everywhere.
import '@tensorflow/tfjs-backend-cpu';
import * as tf from './engine/tf';

tf.env().set('IS_TEST', true);
await tf.setBackend('cpu');
