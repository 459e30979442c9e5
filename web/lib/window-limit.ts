// A sliding-window counter per key, in this web process (e.g. catalog saves per business per minute).
import { RateLimited } from './errors.ts';

export class WindowLimit {
  private readonly hits = new Map<string, number[]>();
  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly what: string,
  ) {}

  /** Counts one use of `key`, or throws RateLimited (429) when `max` were used within the window. */
  take(key: string, now = Date.now()): void {
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= this.max) {
      const wait = Math.ceil(((recent[0] ?? now) + this.windowMs - now) / 1000);
      this.hits.set(key, recent);
      throw new RateLimited(`Too many ${this.what}: at most ${this.max} a minute; try again in ${wait} s`);
    }
    recent.push(now);
    this.hits.set(key, recent);
    // Keys whose window has passed are dropped now and then, so the map stays small.
    if (this.hits.size > 10_000) for (const [k, v] of this.hits) if ((v.at(-1) ?? 0) <= now - this.windowMs) this.hits.delete(k);
  }
}
