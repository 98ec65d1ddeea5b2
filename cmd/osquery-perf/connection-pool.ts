// A capped pool of keep-alive HTTP/1.1 connections to one origin, one request at a time
// per connection, waiting requests served in arrival order and free sockets reused
// newest-first (like http.Agent with scheduling 'lifo'). Listeners are attached once per
// socket, not once per request, and one coarse sweep enforces timeouts, so a request
// costs one write and the parsing of its response.
import net from 'node:net';
import tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import { ResponseParser, type ParsedResponse } from './http-wire';

export interface PoolOptions {
  hostname: string;
  port: number;
  secure: boolean;
  /** Skip TLS certificate verification. */
  insecure: boolean;
  maxSockets: number;
  /** A request with no complete response this long after it got its socket fails. */
  timeoutMs: number;
}

export type Done = (err: Error | undefined, res?: ParsedResponse) => void;

interface Job {
  data: string;
  /** Called when the request gets its socket (latency is measured from here). */
  onAssign: () => void;
  done: Done;
}

interface Connection {
  socket: net.Socket;
  job?: Job;
  parser?: ResponseParser;
  startedAt: number;
  idleSince: number;
  /** From the server's `Keep-Alive: timeout=N`; a socket idle longer is not reused. */
  keepAliveMs: number;
}

/** Reuse a socket only this far inside the server's keep-alive timeout (as http.Agent does). */
const KEEP_ALIVE_MARGIN_MS = 1000;

export class ConnectionPool {
  private readonly free: Connection[] = [];
  private readonly busy = new Set<Connection>();
  private queue: Job[] = [];
  private queueHead = 0;
  private open = 0;
  private closed = false;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly opts: PoolOptions) {}

  /** Sends `data` (a whole request) and calls `done` once with the response or an error. */
  send(data: string, onAssign: () => void, done: Done): void {
    const job: Job = { data, onAssign, done };
    if (this.closed) return done(new Error('client closed'));
    const c = this.takeFree();
    if (c) this.start(c, job);
    else if (this.open < this.opts.maxSockets) this.start(this.connect(), job);
    else this.queue.push(job);
  }

  get openSockets(): number {
    return this.open;
  }

  /** Destroys every socket; requests in flight or waiting fail. */
  close(): void {
    this.closed = true;
    for (const job of this.drainQueue()) job.done(new Error('client closed'));
    for (const c of [...this.free, ...this.busy]) c.socket.destroy();
    this.free.length = 0;
    this.stopSweeper();
  }

  private drainQueue(): Job[] {
    const jobs = this.queue.slice(this.queueHead);
    this.queue = [];
    this.queueHead = 0;
    return jobs;
  }

  private nextQueued(): Job | undefined {
    if (this.queueHead >= this.queue.length) return undefined;
    const job = this.queue[this.queueHead]!;
    this.queue[this.queueHead++] = undefined as unknown as Job;
    // Compact now and then so the array does not grow forever.
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    return job;
  }

  private takeFree(): Connection | undefined {
    const now = performance.now();
    for (let c = this.free.pop(); c; c = this.free.pop()) {
      if (!c.socket.destroyed && now - c.idleSince < c.keepAliveMs - KEEP_ALIVE_MARGIN_MS) return c;
      c.socket.destroy();
    }
    return undefined;
  }

  private connect(): Connection {
    const { hostname, port } = this.opts;
    const socket = this.opts.secure
      ? tls.connect({ host: hostname, port, servername: net.isIP(hostname) ? undefined : hostname, rejectUnauthorized: !this.opts.insecure })
      : net.connect({ host: hostname, port });
    socket.setNoDelay(true);
    const c: Connection = { socket, startedAt: 0, idleSince: 0, keepAliveMs: Infinity };
    this.open++;
    socket.on('data', (d: Buffer) => this.onData(c, d));
    socket.on('end', () => this.onEnd(c));
    socket.on('error', (err) => this.fail(c, err));
    socket.on('close', () => this.onClose(c));
    this.ensureSweeper();
    return c;
  }

  private start(c: Connection, job: Job): void {
    c.job = job;
    c.parser = new ResponseParser();
    c.startedAt = performance.now();
    this.busy.add(c);
    job.onAssign();
    c.socket.write(job.data);
  }

  private onData(c: Connection, d: Buffer): void {
    if (!c.job) {
      c.socket.destroy(); // bytes nobody asked for: the connection is out of step
      return;
    }
    let res: ParsedResponse | undefined;
    try {
      res = c.parser!.feed(d);
    } catch (err) {
      this.fail(c, err as Error);
      return;
    }
    if (res) this.complete(c, res);
  }

  private onEnd(c: Connection): void {
    const res = c.job ? c.parser!.end() : undefined;
    if (res) this.complete(c, res);
    else this.fail(c, new Error('socket hang up'));
  }

  private complete(c: Connection, res: ParsedResponse): void {
    const job = c.job!;
    c.job = undefined;
    c.parser = undefined;
    this.busy.delete(c);
    if (res.keepAliveMs !== undefined) c.keepAliveMs = res.keepAliveMs;
    if (res.close || this.closed) c.socket.destroy();
    else this.release(c);
    job.done(undefined, res);
  }

  /** Fails the connection's request (if any) and drops the connection. */
  private fail(c: Connection, err: Error): void {
    const job = c.job;
    c.job = undefined;
    c.parser = undefined;
    this.busy.delete(c);
    c.socket.destroy();
    job?.done(err);
  }

  private release(c: Connection): void {
    const next = this.nextQueued();
    if (next) return this.start(c, next);
    c.idleSince = performance.now();
    this.free.push(c);
  }

  private onClose(c: Connection): void {
    if (c.job) this.fail(c, new Error('socket hang up'));
    this.open--;
    const i = this.free.indexOf(c);
    if (i >= 0) this.free.splice(i, 1);
    if (!this.closed && this.open < this.opts.maxSockets) {
      const next = this.nextQueued();
      if (next) this.start(this.connect(), next);
    }
    if (this.open === 0) this.stopSweeper();
  }

  private ensureSweeper(): void {
    if (this.sweeper) return;
    // Coarse on purpose: at most 1/8 of the timeout late, at most 4 sweeps a second.
    const every = Math.max(10, Math.min(250, this.opts.timeoutMs / 8));
    this.sweeper = setInterval(() => this.sweep(), every);
    this.sweeper.unref();
  }

  private stopSweeper(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private sweep(): void {
    const now = performance.now();
    for (const c of this.busy) {
      if (now - c.startedAt >= this.opts.timeoutMs) this.fail(c, new Error(`timeout after ${this.opts.timeoutMs} ms`));
    }
  }
}
