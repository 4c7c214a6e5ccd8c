// The point a chunk of steps (Trainer.steps) goes back to when one of its losses, read late, is not
// finite. Holding it copies nothing: a clone shares its variable's buffer, and a step's assign()
// gives the variable a new one, so the clone only keeps the old values alive until release().
import * as tf from './tf';

export class Rollback {
  private held: [tf.Variable, tf.Tensor][];

  /** `restoreHost` puts back what lives on the host (step counts, data cursor, random streams). */
  constructor(variables: Iterable<tf.Variable>, private readonly restoreHost: () => void) {
    this.held = [...new Set(variables)].map((v) => [v, tf.clone(v)]);
  }

  /** Every held variable and the host state as they were at construction; releases the hold. */
  restore(): void {
    for (const [v, before] of this.held) v.assign(before);
    this.restoreHost();
    this.release();
  }

  release(): void {
    tf.dispose(this.held.map(([, before]) => before));
    this.held = [];
  }
}
