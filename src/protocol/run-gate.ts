// The UI side of stale-run handling: one current runId; events of any other run are dropped.
// (The worker does the same for commands.) postMessage keeps order, so runId is all it takes.

export class RunGate {
  private current: number;

  constructor(initial = 0) {
    this.current = initial;
  }

  /** The run whose events are accepted now. */
  get runId(): number {
    return this.current;
  }

  /** A fresh runId, greater than every earlier one: from now on only its events get through. */
  next(): number {
    this.current += 1;
    return this.current;
  }

  accepts(event: { runId: number }): boolean {
    return event.runId === this.current;
  }
}
