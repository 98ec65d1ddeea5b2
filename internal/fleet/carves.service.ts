import type { CarveListOptions, CarveMetadata } from './carves';

/** What carve/begin sends (spec §12.3), decoded. */
export interface CarveBeginInput {
  block_count: number;
  block_size: number;
  carve_size: number;
  carve_id: string;
  request_id: string;
}

/** What carve/block sends (spec §12.4), with `data` already base64-decoded. */
export interface CarveBlockInput {
  block_id: number;
  session_id: string;
  request_id: string;
  data: Buffer;
}

/** File carving: the agent side (begin/block) and the admin API (list, get, block). */
export interface CarveService {
  /** Validates per §12.3 (BadRequestError with Fleet's texts) and creates the carve. */
  beginCarve(host: { id: number; hostname: string }, input: CarveBeginInput): Promise<CarveMetadata>;
  /**
   * Checks per §12.4, in order: unknown session (NotFoundError), request_id mismatch,
   * block_id beyond block_count-1, block out of order, data beyond block_size
   * (BadRequestError with Fleet's texts); then stores the block.
   */
  receiveCarveBlock(input: CarveBlockInput): Promise<void>;
  listCarves(opts: CarveListOptions): Promise<CarveMetadata[]>;
  /** NotFoundError('Carve', id). */
  carve(id: number): Promise<CarveMetadata>;
  /** UnprocessableError for an expired carve or a block not yet uploaded. */
  carveBlock(id: number, blockId: number): Promise<Buffer>;
}
