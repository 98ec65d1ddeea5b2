// File carving (spec osquery-and-live-queries.md §12, rest-api.md §3 Carve and §13).
import { BadRequestError } from './errors';
import type { ListOptions } from './list-options';

/** A file carve started by an agent. Field names are Fleet's JSON names. */
export interface CarveMetadata {
  id: number;
  created_at: Date;
  host_id: number;
  /** `<hostname>-<RFC3339 created_at, UTC>-<request_id>`. */
  name: string;
  block_count: number;
  block_size: number;
  carve_size: number;
  /** osquery's own UUID for the carve. */
  carve_id: string;
  /** The distributed query name that was running when the carve started. */
  request_id: string;
  /** Random UUIDv4 handed to the agent by carve/begin; with request_id it authenticates blocks. */
  session_id: string;
  expired: boolean;
  /** Highest stored block index; -1 when none. Complete ⇔ max_block == block_count - 1. */
  max_block: number;
}

export type NewCarve = Omit<CarveMetadata, 'id' | 'expired' | 'max_block'>;

/** Fleet's `order_key` names for carves (their column names). */
export const CARVE_ORDER_KEYS = [
  'id',
  'created_at',
  'host_id',
  'name',
  'block_count',
  'block_size',
  'carve_size',
  'carve_id',
  'request_id',
  'session_id',
  'expired',
  'max_block',
] as const;

export interface CarveListOptions extends ListOptions {
  /** Include expired carves (`expired=1|true`); by default only non-expired ones. */
  includeExpired: boolean;
}

/** Carves are expired (blocks dropped) this long after carve/begin. */
export const CARVE_EXPIRY_MS = 24 * 3600 * 1000;
/** At most this many carves are expired by one run of the job (Fleet's limit). */
export const CARVE_EXPIRY_BATCH = 50_000;

/** A block that is not the next one expected (strictly sequential, no retry or duplicate). */
export class CarveBlockOrderError extends BadRequestError {
  constructor(
    readonly expected: number,
    readonly blockId: number,
  ) {
    super(`block_id does not match expected block (${expected}): ${blockId}`, 'block_id');
  }
}

/** A block for a carve whose data has already been dropped. */
export class CarveExpiredError extends BadRequestError {
  constructor() {
    super('cannot add block to expired carve', 'session_id');
  }
}

export interface CarveStore {
  /** Stores a new carve with expired=false and max_block=-1. */
  newCarve(carve: NewCarve): Promise<CarveMetadata>;
  /** Throws NotFoundError('Carve', id). */
  carve(id: number): Promise<CarveMetadata>;
  carveBySessionId(sessionId: string): Promise<CarveMetadata | null>;
  listCarves(opts: CarveListOptions): Promise<CarveMetadata[]>;
  /**
   * Stores block `blockId` and sets max_block to it, atomically. Only max_block+1 is
   * accepted (CarveBlockOrderError otherwise), never for an expired carve (CarveExpiredError);
   * NotFoundError('Carve', id) when the carve is gone.
   */
  appendCarveBlock(carveId: number, blockId: number, data: Buffer): Promise<void>;
  /**
   * Marks non-expired carves created before `createdBefore` expired and drops their block
   * data (at most CARVE_EXPIRY_BATCH per call). Returns how many were expired.
   */
  expireCarves(createdBefore: Date): Promise<number>;
  /** The stored bytes of one block; NotFoundError when the carve or the block is not stored. */
  carveBlock(carveId: number, blockId: number): Promise<Buffer>;
}
