// Query results waiting for a successful distributed/write. Like osquery, results that
// failed to send are kept and merged into the next write (newer answers win per name).
import type { QueryResult } from './queries';
import type { Row } from './templates';

export interface QueryStats {
  wall_time_ms: number;
  user_time: number;
  system_time: number;
  memory: number;
}

export interface WriteBody {
  queries: Record<string, Row[]>;
  statuses: Record<string, number>;
  messages: Record<string, string>;
  /** osquery ≥ 5.8 only. */
  stats?: Record<string, QueryStats>;
}

export class PendingResults {
  private readonly entries = new Map<string, { result: QueryResult; stats?: QueryStats }>();

  add(name: string, result: QueryResult, stats?: QueryStats): void {
    this.entries.set(name, stats ? { result, stats } : { result });
  }

  get size(): number {
    return this.entries.size;
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  /** Write body without node_key; names in lexicographic order like osquery's store. */
  toBody(withStats: boolean): WriteBody {
    const body: WriteBody = { queries: {}, statuses: {}, messages: {} };
    if (withStats) body.stats = {};
    for (const name of this.names()) {
      const { result, stats } = this.entries.get(name)!;
      body.queries[name] = result.rows;
      body.statuses[name] = result.status;
      body.messages[name] = result.message;
      if (body.stats) body.stats[name] = stats ?? { wall_time_ms: 0, user_time: 0, system_time: 0, memory: 0 };
    }
    return body;
  }

  /** Drop what was sent; answers added meanwhile (same name, newer object) survive. */
  acknowledge(sent: ReadonlyMap<string, QueryResult>): void {
    for (const [name, result] of sent) if (this.entries.get(name)?.result === result) this.entries.delete(name);
  }

  snapshot(): Map<string, QueryResult> {
    return new Map([...this.entries].map(([k, v]) => [k, v.result]));
  }
}
