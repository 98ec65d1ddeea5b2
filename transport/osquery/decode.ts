// Hand-written decoding of agent bodies into typed requests (no class-validator: hot path).
// Anything osquery would never send in that shape is a 400 with a reason, never a 500.
import type { DistributedResults, EnrollAgentInput, EnrollHostDetails, OsqueryLogType } from '../../internal/fleet';
import { badRequest, clip } from './errors';

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optionalString(body: JsonObject, key: string): string {
  const v = body[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw badRequest(`${key} must be a string`);
  return v;
}

/** `node_key`; "" when absent (the service answers node_invalid "missing node key"). */
export function decodeNodeKey(body: JsonObject): string {
  return optionalString(body, 'node_key');
}

/** A JSON object's own keys, refusing `__proto__` so copies cannot change a prototype. */
function keysOf(o: JsonObject, where: string): string[] {
  const keys = Object.keys(o);
  for (const k of keys) if (k === '__proto__') throw badRequest(`${where} has an invalid key "__proto__"`);
  return keys;
}

export function decodeEnroll(body: JsonObject): EnrollAgentInput {
  const enrollSecret = optionalString(body, 'enroll_secret');
  const hostIdentifier = optionalString(body, 'host_identifier');
  const hostDetails: EnrollHostDetails = {};
  const raw = body.host_details;
  if (raw !== undefined && raw !== null) {
    if (!isObject(raw)) throw badRequest('host_details must be an object of tables');
    for (const table of keysOf(raw, 'host_details')) {
      const row = raw[table];
      if (row === null) continue;
      if (!isObject(row)) throw badRequest(`host_details.${clip(table)} must be an object`);
      for (const column of keysOf(row, `host_details.${clip(table)}`)) {
        if (typeof row[column] !== 'string') throw badRequest(`host_details.${clip(table)}.${clip(column)} must be a string`);
      }
      hostDetails[table] = row as Record<string, string>;
    }
  }
  return { enrollSecret, hostIdentifier, hostDetails };
}

/** One result row: an object of strings (numbers/booleans/null from odd agents become text). */
function decodeRow(row: unknown, where: () => string): Record<string, string> {
  if (!isObject(row)) throw badRequest(`${where()} must be an object`);
  let copy: Record<string, string> | null = null;
  const keys = Object.keys(row);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = row[k];
    if (typeof v === 'string') {
      if (copy) copy[k] = v;
      continue;
    }
    if (k === '__proto__') throw badRequest(`${where()} has an invalid key "__proto__"`);
    let text: string;
    if (typeof v === 'number' || typeof v === 'boolean') text = String(v);
    else if (v === null) text = '';
    else throw badRequest(`${where()}.${clip(k)} must be a string`);
    if (!copy) {
      copy = {};
      for (let j = 0; j < i; j++) copy[keys[j]!] = row[keys[j]!] as string;
    }
    copy[k] = text;
  }
  return copy ?? (row as Record<string, string>);
}

function optionalObject(body: JsonObject, key: string): JsonObject {
  const v = body[key];
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw badRequest(`${key} must be an object`);
  return v;
}

export function decodeDistributedWrite(body: JsonObject): DistributedResults {
  const rawQueries = optionalObject(body, 'queries');
  const queries: DistributedResults['queries'] = {};
  for (const name of keysOf(rawQueries, 'queries')) {
    const v = rawQueries[name];
    // Old osquery sent "" for "no rows"; Fleet read that (and null) as none.
    if (v === '' || v === null) {
      queries[name] = [];
      continue;
    }
    if (!Array.isArray(v)) throw badRequest(`queries.${clip(name)} must be an array of rows`);
    const rows = new Array<Record<string, string>>(v.length);
    for (let i = 0; i < v.length; i++) rows[i] = decodeRow(v[i], () => `queries.${clip(name)}[${i}]`);
    queries[name] = rows;
  }

  const rawStatuses = optionalObject(body, 'statuses');
  const statuses: Record<string, number> = {};
  for (const name of keysOf(rawStatuses, 'statuses')) {
    const v = rawStatuses[name];
    if (typeof v === 'number' && Number.isInteger(v)) statuses[name] = v;
    else if (typeof v === 'string' && /^[+-]?\d{1,10}$/.test(v.trim())) statuses[name] = Number(v.trim());
    else throw badRequest(`statuses.${clip(name)} must be an integer`);
  }

  const rawMessages = optionalObject(body, 'messages');
  const messages: Record<string, string> = {};
  for (const name of keysOf(rawMessages, 'messages')) {
    const v = rawMessages[name];
    if (typeof v === 'string') messages[name] = v;
    else if (v === null) messages[name] = '';
    else throw badRequest(`messages.${clip(name)} must be a string`);
  }
  // `stats` (osquery 5.8+) and unknown keys are ignored.
  return { queries, statuses, messages };
}

export function decodeLogType(body: JsonObject): OsqueryLogType {
  const t = body.log_type;
  if (typeof t !== 'string') throw badRequest('log_type must be a string');
  if (t !== 'status' && t !== 'result') throw badRequest(`unknown log type: ${clip(t)}`);
  return t;
}
