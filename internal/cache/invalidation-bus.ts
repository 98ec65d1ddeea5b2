/**
 * Tells every in-memory cache (in this process, and with Redis every other instance:
 * RedisInvalidationBus) that something it may hold has changed. Producers publish after
 * the datastore write committed; consumers drop or reload what the event names.
 */
export type InvalidationEvent =
  /** A host's node key stopped being valid (host deleted, re-enrolled, expired). */
  | { kind: 'node-key-revoked'; nodeKeyHash: string }
  /** A host row changed outside the agent path (e.g. deleted by id). */
  | { kind: 'host-changed'; hostId: number }
  /**
   * A host's label memberships may have changed (its label query answers were stored on
   * one instance); the others drop the memberships they cached for it.
   */
  | { kind: 'host-labels-changed'; hostId: number }
  /** Labels were created, changed or deleted. */
  | { kind: 'labels-changed' }
  /** App config (e.g. additional_queries) changed. */
  | { kind: 'app-config-changed' }
  /** Osquery options (or, later, packs) changed: agent configs must be rebuilt. */
  | { kind: 'agent-config-changed' }
  /**
   * Events from other instances may have been missed (the Redis connection was lost and
   * came back): drop everything cached. The bus also sends labels-changed,
   * app-config-changed and agent-config-changed just before it, for consumers that
   * only know those.
   */
  | { kind: 'resync' };

export interface InvalidationBus {
  publish(event: InvalidationEvent): void;
  /**
   * Tells only the other instances (a no-op for one process): for a change this process's
   * caches have already applied themselves, such as a host's label results.
   */
  publishToOthers(event: InvalidationEvent): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: (event: InvalidationEvent) => void): () => void;
}

/** The single-process bus: listeners run synchronously, in subscription order. */
export class LocalInvalidationBus implements InvalidationBus {
  private readonly listeners = new Set<(event: InvalidationEvent) => void>();

  publish(event: InvalidationEvent): void {
    for (const l of this.listeners) l(event);
  }

  publishToOthers(_event: InvalidationEvent): void {
    // One process: there are no others.
  }

  subscribe(listener: (event: InvalidationEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
