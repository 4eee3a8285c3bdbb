/**
 * Load shedding: past `max` requests in flight the gateway answers new ones at once with 503 and
 * `Retry-After` in the API's shape, instead of queueing them and letting every request's latency
 * grow without bound. Long polls wait by design and do not count.
 */
export class InFlightLimit {
  private count = 0;
  constructor(readonly max: number) {}

  /** Takes a slot; returns its release (idempotent), or undefined when the gateway is full. */
  tryEnter(): (() => void) | undefined {
    if (this.count >= this.max) return undefined;
    this.count++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.count--;
    };
  }
}
