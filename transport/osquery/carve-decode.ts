// Decoding of carve/begin and carve/block bodies (spec §12.3, §12.4). osquery sends sizes
// and ids as JSON numbers and `data` as standard padded base64; anything else is a 400.
import type { CarveBeginInput, CarveBlockInput } from '../../internal/fleet';
import type { JsonObject } from './decode';
import { badRequest } from './errors';

/** Longest carve_id / request_id / session_id accepted (osquery's are UUIDs or query names). */
const MAX_ID_LENGTH = 255;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function count(body: JsonObject, key: string): number {
  const v = body[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw badRequest(`${key} must be a non-negative integer`);
  return v;
}

function id(body: JsonObject, key: string): string {
  const v = body[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw badRequest(`${key} must be a string`);
  if (v.length > MAX_ID_LENGTH) throw badRequest(`${key} is too long`);
  return v;
}

export function decodeCarveBegin(body: JsonObject): CarveBeginInput {
  return {
    block_count: count(body, 'block_count'),
    block_size: count(body, 'block_size'),
    carve_size: count(body, 'carve_size'),
    carve_id: id(body, 'carve_id'),
    request_id: id(body, 'request_id'),
  };
}

export function decodeCarveBlock(body: JsonObject): CarveBlockInput {
  const blockId = count(body, 'block_id');
  const sessionId = id(body, 'session_id');
  if (sessionId === '') throw badRequest('session_id is required');
  const requestId = id(body, 'request_id');
  const raw = body.data;
  if (typeof raw !== 'string') throw badRequest('data must be a base64 string');
  if (raw.length % 4 !== 0 || !BASE64.test(raw)) throw badRequest('data is not valid base64');
  return { block_id: blockId, session_id: sessionId, request_id: requestId, data: Buffer.from(raw, 'base64') };
}
