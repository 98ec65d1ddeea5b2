/**
 * A live-query result client speaking the raw WebSocket protocol (what fleetctl uses):
 * auth, select_campaign, then it notes when each host's result arrived.
 */
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

export interface StreamStatus {
  expected_results: number;
  actual_results: number;
  status: string;
}

export interface ResultStream {
  /** Hostname → wall-clock ms (timeOrigin + performance.now(), as osquery-perf's write log) of its first result. */
  readonly receivedAt: Map<string, number>;
  /** Result messages in all (more than receivedAt.size means a host's result came twice). */
  results(): number;
  /** Results that carried an error. */
  errors(): number;
  lastStatus(): StreamStatus | undefined;
  /** Error messages from the server (a refused handshake). */
  readonly serverErrors: string[];
  close(): void;
}

export async function openResultStream(baseUrl: string, token: string, campaignId: number): Promise<ResultStream> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/api/v1/fleet/results/websocket`);
  const receivedAt = new Map<string, number>();
  const serverErrors: string[] = [];
  let results = 0;
  let errors = 0;
  let status: StreamStatus | undefined;
  socket.on('message', (data) => {
    // Timestamp before parsing: parsing is the client's cost, not the server's.
    const at = performance.timeOrigin + performance.now();
    const msg = JSON.parse(data.toString()) as { type: string; data: any };
    if (msg.type === 'result') {
      results++;
      if (msg.data.error) errors++;
      const host = String(msg.data.host?.hostname);
      if (!receivedAt.has(host)) receivedAt.set(host, at);
    } else if (msg.type === 'status') status = msg.data as StreamStatus;
    else if (msg.type === 'error') serverErrors.push(String(msg.data));
  });
  socket.on('error', (err) => serverErrors.push(`socket: ${err.message}`));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'auth', data: { token } }));
  socket.send(JSON.stringify({ type: 'select_campaign', data: { campaign_id: campaignId } }));
  return {
    receivedAt,
    results: () => results,
    errors: () => errors,
    lastStatus: () => status,
    serverErrors,
    close: () => socket.close(),
  };
}
