import { readFileSync } from 'node:fs';
import type { DistributedWriteEvent } from '../../cmd/osquery-perf/options';

export const readWriteLog = (path: string): DistributedWriteEvent[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as DistributedWriteEvent);

export interface HostLatency {
  hostname: string;
  /** From the agent sending the write that delivered the result to the client receiving it, ms. */
  writeToClientMs: number;
  /** That write's own HTTP round trip as the agent saw it, ms. */
  writeRoundTripMs: number;
}

/**
 * For each host whose result the client received: the latest write attempt carrying `query`
 * sent before the result arrived (earlier attempts failed and were retried by the agent).
 */
export function writeToClientLatencies(events: DistributedWriteEvent[], query: string, receivedAt: Map<string, number>): HostLatency[] {
  const latest = new Map<string, DistributedWriteEvent>();
  for (const e of events) {
    if (!e.queries.includes(query)) continue;
    const got = receivedAt.get(e.hostname);
    if (got === undefined || e.sentAt > got) continue;
    const prev = latest.get(e.hostname);
    if (!prev || e.sentAt > prev.sentAt) latest.set(e.hostname, e);
  }
  return [...latest.values()].map((e) => ({
    hostname: e.hostname,
    writeToClientMs: receivedAt.get(e.hostname)! - e.sentAt,
    writeRoundTripMs: e.answeredAt - e.sentAt,
  }));
}
