// Test doubles and clients for the live-query result stream.
import SockJS from 'sockjs-client';
import WebSocket from 'ws';
import {
  NotFoundError,
  PermissionError,
  type CampaignStreamHandle,
  type CampaignWithMetrics,
  type LiveQueryService,
  type StreamMessage,
  type Viewer,
} from '../../internal/fleet';

export interface FakeStream {
  viewer: Viewer;
  campaignId: number;
  send: (message: StreamMessage) => void;
  onEnd: (reason: string) => void;
  /** How many times the transport called handle.close(). */
  closeCalls: number;
}

interface FakeCampaign {
  userId: number;
  /** Sent synchronously from streamCampaign (like the initial totals/status). */
  script: StreamMessage[];
}

/** A LiveQueryService that streams scripted messages and records close calls. */
export class FakeLiveQueryService implements LiveQueryService {
  readonly campaigns = new Map<number, FakeCampaign>();
  readonly streams: FakeStream[] = [];
  private waiters: Array<() => void> = [];

  addCampaign(id: number, userId: number, script: StreamMessage[] = []): void {
    this.campaigns.set(id, { userId, script });
  }

  async runQuery(): Promise<CampaignWithMetrics> {
    throw new Error('not used by the transport');
  }

  async runQueryByNames(): Promise<CampaignWithMetrics> {
    throw new Error('not used by the transport');
  }

  async streamCampaign(
    viewer: Viewer,
    campaignId: number,
    send: (message: StreamMessage) => void,
    onEnd: (reason: string) => void,
  ): Promise<CampaignStreamHandle> {
    const campaign = this.campaigns.get(campaignId);
    if (!campaign) throw new NotFoundError('Campaign', campaignId);
    if (campaign.userId !== viewer.user.id && !viewer.user.admin) throw new PermissionError('forbidden');
    const stream: FakeStream = { viewer, campaignId, send, onEnd, closeCalls: 0 };
    this.streams.push(stream);
    for (const message of campaign.script) send(message);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
    return {
      close: async () => {
        stream.closeCalls++;
      },
    };
  }

  /** Resolves once `n` streams have started. */
  async waitForStreams(n: number, timeoutMs = 5000): Promise<FakeStream[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.streams.length < n) {
      if (Date.now() > deadline) throw new Error(`expected ${n} streams, got ${this.streams.length}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
    return this.streams;
  }
}

/** Polls until `predicate` holds. */
export async function eventually(predicate: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface Closed {
  code: number;
  reason: string;
}

/** What both clients look like to a test. */
export interface StreamClient {
  readonly messages: unknown[];
  /** Resolves when open. */
  opened: Promise<void>;
  /** Resolves when closed (never rejects). */
  closed: Promise<Closed>;
  isClosed(): boolean;
  /** Sends an object as JSON, or a string as is. */
  send(message: unknown): void;
  /** Waits for at least `n` messages and returns them all. */
  waitMessages(n: number, timeoutMs?: number): Promise<unknown[]>;
  close(): void;
}

abstract class BaseClient implements StreamClient {
  readonly messages: unknown[] = [];
  opened!: Promise<void>;
  closed!: Promise<Closed>;
  protected done = false;

  isClosed(): boolean {
    return this.done;
  }

  abstract send(message: unknown): void;
  abstract close(): void;

  async waitMessages(n: number, timeoutMs = 5000): Promise<unknown[]> {
    await eventually(() => this.messages.length >= n, timeoutMs, `${n} messages (got ${JSON.stringify(this.messages)})`);
    return this.messages;
  }

  protected received(text: string): void {
    this.messages.push(JSON.parse(text));
  }
}

/** A raw WebSocket client (like fleetctl). */
export class WsClient extends BaseClient {
  readonly ws: WebSocket;
  /** Non-101 answer to the upgrade, if any. */
  rejectedStatus?: number;

  constructor(url: string, headers: Record<string, string> = {}) {
    super();
    this.ws = new WebSocket(url, { headers });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('unexpected-response', (_req, res) => {
        this.rejectedStatus = res.statusCode;
        res.resume();
        reject(new Error(`upgrade rejected: ${res.statusCode}`));
      });
      this.ws.once('error', reject);
    });
    this.opened.catch(() => undefined);
    this.ws.on('error', () => undefined);
    this.closed = new Promise((resolve) => {
      this.ws.once('close', (code, reason) => {
        this.done = true;
        resolve({ code, reason: reason.toString() });
      });
    });
    this.ws.on('message', (data) => this.received(data.toString()));
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  close(): void {
    this.ws.close();
  }
}

/** A SockJS client (like the web UI), forced onto one transport. */
export class SockjsClient extends BaseClient {
  readonly sock: WebSocket & { transport?: string };
  private readonly s: InstanceType<typeof SockJS>;

  constructor(url: string, transport: 'websocket' | 'xhr-streaming' | 'xhr-polling') {
    super();
    this.s = new SockJS(url, undefined, { transports: [transport], timeout: 5000 });
    this.sock = this.s as unknown as WebSocket & { transport?: string };
    this.opened = new Promise((resolve, reject) => {
      this.s.onopen = () => resolve();
      this.s.addEventListener('close', () => reject(new Error('closed before open')));
    });
    this.opened.catch(() => undefined);
    this.closed = new Promise((resolve) => {
      this.s.addEventListener('close', (e: { code: number; reason: string }) => {
        this.done = true;
        resolve({ code: e.code, reason: e.reason });
      });
    });
    // sockjs-client decodes a["<json>", …] into one message event per string.
    this.s.onmessage = (e: { data: string }) => this.received(e.data);
  }

  /** The transport sockjs-client settled on. */
  get transport(): string | undefined {
    return (this.s as unknown as { transport?: string }).transport;
  }

  send(message: unknown): void {
    this.s.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  close(): void {
    if (!this.done) this.s.close();
  }
}

export function auth(token: string): unknown {
  return { type: 'auth', data: { token } };
}

export function select(campaignId: unknown): unknown {
  return { type: 'select_campaign', data: { campaign_id: campaignId } };
}
