// File carving (spec osquery-and-live-queries.md §12): carve/begin and carve/block for
// agents, list/get/block for the admin API. Checks and texts are Fleet's (3.3.0 onwards);
// where Fleet answered 500 for the client's mistake these are 4xx domain errors.
import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'inversify';
import type { Clock } from '../internal/clock/clock';
import { TYPES } from '../internal/container/identifiers';
import {
  BadRequestError,
  NotFoundError,
  UnprocessableError,
  type CarveBeginInput,
  type CarveBlockInput,
  type CarveListOptions,
  type CarveMetadata,
  type CarveService,
  type Datastore,
} from '../internal/fleet';

export const MAX_CARVE_BLOCK_SIZE = 256 * 1024 * 1024;
export const MAX_CARVE_SIZE = 8 * 1024 * 1024 * 1024;

/** RFC 3339, UTC, second precision (as Fleet formats the carve name). */
function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Session ids echoed in errors are the client's text: cut short. */
function echo(s: string): string {
  return s.length > 100 ? `${s.slice(0, 100)}…` : s;
}

@injectable()
export class CarveServiceImpl implements CarveService {
  constructor(
    @inject(TYPES.Datastore) private readonly ds: Datastore,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  async beginCarve(host: { id: number; hostname: string }, input: CarveBeginInput): Promise<CarveMetadata> {
    const { block_count: count, block_size: size, carve_size: total } = input;
    if (total === 0) throw new BadRequestError('carve_size must be greater than 0', 'carve_size');
    if (size > MAX_CARVE_BLOCK_SIZE) throw new BadRequestError('block_size exceeds max', 'block_size');
    if (total > MAX_CARVE_SIZE) throw new BadRequestError('carve_size exceeds max', 'carve_size');
    // (block_count-1)*block_size < carve_size <= block_count*block_size; exact in doubles
    // for these bounds (products stay far below 2^53).
    if (!((count - 1) * size < total && total <= count * size)) {
      throw new BadRequestError('carve_size does not match block_size and block_count', 'carve_size');
    }
    const now = this.clock.now();
    return this.ds.newCarve({
      created_at: now,
      host_id: host.id,
      name: `${host.hostname}-${rfc3339(now)}-${input.request_id}`,
      block_count: count,
      block_size: size,
      carve_size: total,
      carve_id: input.carve_id,
      request_id: input.request_id,
      session_id: randomUUID(),
    });
  }

  async receiveCarveBlock(input: CarveBlockInput): Promise<void> {
    const carve = await this.ds.carveBySessionId(input.session_id);
    if (!carve) {
      const err = new NotFoundError('Carve', `with session_id ${echo(input.session_id)}`);
      err.message = `find carve by session_id: ${err.message}`;
      throw err;
    }
    if (input.request_id !== carve.request_id) throw new BadRequestError('request_id does not match', 'request_id');
    if (input.block_id > carve.block_count - 1) {
      throw new BadRequestError(`block_id exceeds expected max (${carve.block_count - 1}): ${input.block_id}`, 'block_id');
    }
    if (input.block_id !== carve.max_block + 1) {
      throw new BadRequestError(`block_id does not match expected block (${carve.max_block + 1}): ${input.block_id}`, 'block_id');
    }
    if (input.data.length > carve.block_size) {
      throw new BadRequestError(`exceeded declared block size ${carve.block_size}: ${input.data.length}`, 'data');
    }
    // The store re-checks the order under a row lock (two uploads of one block race).
    await this.ds.appendCarveBlock(carve.id, input.block_id, input.data);
  }

  listCarves(opts: CarveListOptions): Promise<CarveMetadata[]> {
    return this.ds.listCarves(opts);
  }

  carve(id: number): Promise<CarveMetadata> {
    return this.ds.carve(id);
  }

  async carveBlock(id: number, blockId: number): Promise<Buffer> {
    const carve = await this.ds.carve(id);
    if (carve.expired) throw new UnprocessableError('cannot get block for expired carve');
    if (blockId > carve.max_block) throw new UnprocessableError(`block ${blockId} not yet available`, 'block_id');
    try {
      return await this.ds.carveBlock(id, blockId);
    } catch (err) {
      // Expired (blocks dropped) between the two reads.
      if (err instanceof NotFoundError && err.resource === 'Carve block') {
        throw new UnprocessableError('cannot get block for expired carve');
      }
      throw err;
    }
  }
}
