// Reading an agent request body: bounded before parsing, gzip only where osquery uses it,
// with the limit applied to the DECOMPRESSED size (a small gzip can expand enormously).
import type { IncomingMessage } from 'node:http';
import { gunzip } from 'node:zlib';
import { AgentHttpError } from './errors';

export interface BodyLimits {
  /** Largest accepted body, in bytes (after decompression). */
  maxBytes: number;
  /** Whether `Content-Encoding: gzip` is honoured (osquery --logger_tls_compress, /log only). */
  gzip: boolean;
}

/** A body declared or sent beyond this many bytes past the limit is not drained but cut off. */
const DRAIN_ALLOWANCE = 8 * 1024 * 1024;

export class BodyTooLargeError extends AgentHttpError {
  constructor(
    limit: number,
    /** True when the rest of the body was not read: the connection must be closed. */
    readonly undrained: boolean,
  ) {
    super(413, `request body too large (limit ${limit} bytes)`);
  }
}

export async function readBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const encoding = contentEncoding(req);
  if (encoding !== '' && !(limits.gzip && encoding === 'gzip')) {
    req.resume();
    throw new AgentHttpError(415, `unsupported content encoding: ${encoding.slice(0, 40)}`);
  }
  const raw = await readRaw(req, limits.maxBytes);
  if (encoding !== 'gzip') return raw;
  return gunzipLimited(raw, limits.maxBytes);
}

function contentEncoding(req: IncomingMessage): string {
  const v = req.headers['content-encoding'];
  if (v === undefined) return '';
  const e = v.trim().toLowerCase();
  if (e === 'identity' || e === '') return '';
  return e === 'x-gzip' ? 'gzip' : e;
}

function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit + DRAIN_ALLOWANCE) {
    return Promise.reject(new BodyTooLargeError(limit, true));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    let done = false;
    const finish = (err: Error | null, body?: Buffer): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (err) reject(err);
      else resolve(body!);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        if (!tooLarge) chunks.length = 0;
        tooLarge = true;
        if (size > limit + DRAIN_ALLOWANCE) {
          req.pause();
          finish(new BodyTooLargeError(limit, true));
        }
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      if (tooLarge) finish(new BodyTooLargeError(limit, false));
      else finish(null, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => finish(err);
    const onClose = (): void => finish(new Error('request closed before its body was read'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function gunzipLimited(raw: Buffer, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    gunzip(raw, { maxOutputLength: limit }, (err, out) => {
      if (!err) return resolve(out);
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
        return reject(new AgentHttpError(413, `decompressed request body too large (limit ${limit} bytes)`));
      }
      reject(new AgentHttpError(400, 'request body is not valid gzip'));
    });
  });
}
