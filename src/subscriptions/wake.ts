// Wake-ups for catch-up loops: LISTEN novi_events (sent by es_append), with polling as the fallback.
import pg from 'pg';

export class Waker {
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private readonly waiters = new Set<() => void>();
  private closed = false;
  /** Bumped by every notification, so a loop notices one that arrived while it was busy. */
  generation = 0;

  constructor(private readonly url: string) {}

  start(): Promise<void> {
    if (this.connecting || this.closed) return this.connecting ?? Promise.resolve();
    const client = new pg.Client({ connectionString: this.url });
    const lost = () => {
      if (this.client === client) this.client = undefined;
      this.connecting = undefined;
      client.end().catch(() => undefined);
      this.wakeAll();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', () => this.wakeAll());
    this.connecting = (async () => {
      try {
        await client.connect();
        await client.query('listen novi_events');
        this.client = client;
      } catch {
        lost();
      }
    })();
    return this.connecting;
  }

  private wakeAll(): void {
    this.generation++;
    for (const w of this.waiters) w();
  }

  /** Resolves on the next notification after `seen` (a generation), or after `ms`. */
  async wait(seen: number, ms: number): Promise<void> {
    if (!this.client && !this.closed) void this.start();
    if (this.generation !== seen || this.closed) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeAll();
    await this.client?.end().catch(() => undefined);
  }
}
