import type { EntityManager } from 'typeorm';
import {
  CARVE_EXPIRY_BATCH,
  CarveBlockOrderError,
  CarveExpiredError,
  MAX_LIST_ROWS,
  NotFoundError,
  type CarveListOptions,
  type CarveMetadata,
  type CarveStore,
  type NewCarve,
} from '../../internal/fleet';
import { CARVE_ORDER_FIELDS } from '../carve-fields';
import { orderField } from '../order-fields';
import type { ManagerSource } from './connection';
import { mutate, queryRows } from './sql';

/** Which carve a block belongs to, as block storage keys it. */
export interface CarveRef {
  id: number;
  session_id: string;
}

/**
 * Where block bytes live: the `carve_blocks` table (Postgres) or files (the embedded store,
 * whose single PGlite backend should not carry megabytes of bytea).
 */
export interface CarveBlockStorage {
  /** Called inside the append transaction, after the carve row is locked and checked. */
  put(tx: EntityManager, carve: CarveRef, blockId: number, data: Buffer): Promise<void>;
  get(em: EntityManager, carve: CarveRef, blockId: number): Promise<Buffer | null>;
  /** Called inside the expiry transaction with the carves just marked expired. */
  dropInTransaction(tx: EntityManager, carves: CarveRef[]): Promise<void>;
  /** Called after the expiry transaction committed (files are removed here, and orphans swept). */
  afterExpiry(em: EntityManager, carves: CarveRef[]): Promise<void>;
}

/** Blocks as rows of carve_blocks, written in the same transaction as max_block. */
export const tableBlockStorage: CarveBlockStorage = {
  async put(tx, carve, blockId, data) {
    await queryRows(tx, 'INSERT INTO carve_blocks (metadata_id, block_id, data) VALUES ($1, $2, $3)', [carve.id, blockId, data]);
  },
  async get(em, carve, blockId) {
    const rows = await queryRows<{ data: Buffer }>(em, 'SELECT data FROM carve_blocks WHERE metadata_id = $1 AND block_id = $2', [
      carve.id,
      blockId,
    ]);
    return rows[0]?.data ?? null;
  },
  async dropInTransaction(tx, carves) {
    if (carves.length === 0) return;
    await mutate(tx, 'DELETE FROM carve_blocks WHERE metadata_id = ANY($1::int[])', [carves.map((c) => c.id)]);
  },
  async afterExpiry() {},
};

interface CarveRow {
  id: number;
  created_at: Date;
  host_id: number;
  name: string;
  block_count: number;
  block_size: number;
  carve_size: string | number;
  carve_id: string;
  request_id: string;
  session_id: string;
  expired: boolean;
  max_block: number;
}

const SELECT = 'id, created_at, host_id, name, block_count, block_size, carve_size, carve_id, request_id, session_id, expired, max_block';

function toCarve(r: CarveRow): CarveMetadata {
  return {
    id: r.id,
    created_at: r.created_at,
    host_id: r.host_id,
    name: r.name,
    block_count: r.block_count,
    block_size: r.block_size,
    carve_size: Number(r.carve_size),
    carve_id: r.carve_id,
    request_id: r.request_id,
    session_id: r.session_id,
    expired: r.expired,
    max_block: r.max_block,
  };
}

export class CarvesRepository implements CarveStore {
  constructor(
    private readonly em: ManagerSource,
    private readonly blocks: CarveBlockStorage = tableBlockStorage,
  ) {}

  async newCarve(c: NewCarve): Promise<CarveMetadata> {
    const rows = await queryRows<CarveRow>(
      await this.em(),
      `INSERT INTO carve_metadata (created_at, host_id, name, block_count, block_size, carve_size, carve_id, request_id, session_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${SELECT}`,
      [c.created_at, c.host_id, c.name, c.block_count, c.block_size, c.carve_size, c.carve_id, c.request_id, c.session_id],
    );
    return toCarve(rows[0]!);
  }

  async carve(id: number): Promise<CarveMetadata> {
    const rows = await queryRows<CarveRow>(await this.em(), `SELECT ${SELECT} FROM carve_metadata WHERE id = $1`, [id]);
    if (rows.length === 0) throw new NotFoundError('Carve', id);
    return toCarve(rows[0]!);
  }

  async carveBySessionId(sessionId: string): Promise<CarveMetadata | null> {
    const rows = await queryRows<CarveRow>(await this.em(), `SELECT ${SELECT} FROM carve_metadata WHERE session_id = $1`, [sessionId]);
    return rows.length === 0 ? null : toCarve(rows[0]!);
  }

  async listCarves(opts: CarveListOptions): Promise<CarveMetadata[]> {
    // Only allow-listed field names (identical to the column names) reach the SQL text.
    const column = String(orderField(CARVE_ORDER_FIELDS, opts.orderKey));
    const direction = opts.orderDirection === 'desc' ? 'DESC' : 'ASC';
    const limit = opts.perPage ?? MAX_LIST_ROWS;
    const offset = opts.perPage === undefined ? 0 : opts.page * opts.perPage;
    const rows = await queryRows<CarveRow>(
      await this.em(),
      `SELECT ${SELECT} FROM carve_metadata ${opts.includeExpired ? '' : 'WHERE NOT expired'}
       ORDER BY ${column} ${direction}${column === 'id' ? '' : ', id ASC'} LIMIT $1 OFFSET $2`,
      [limit, offset],
    );
    return rows.map(toCarve);
  }

  async appendCarveBlock(carveId: number, blockId: number, data: Buffer): Promise<void> {
    await (
      await this.em()
    ).transaction(async (tx) => {
      // The row lock orders concurrent uploads of one carve: exactly one block per index.
      const rows = await queryRows<{ id: number; session_id: string; max_block: number; expired: boolean }>(
        tx,
        'SELECT id, session_id, max_block, expired FROM carve_metadata WHERE id = $1 FOR UPDATE',
        [carveId],
      );
      const row = rows[0];
      if (!row) throw new NotFoundError('Carve', carveId);
      if (row.expired) throw new CarveExpiredError();
      if (blockId !== row.max_block + 1) throw new CarveBlockOrderError(row.max_block + 1, blockId);
      await this.blocks.put(tx, row, blockId, data);
      await mutate(tx, 'UPDATE carve_metadata SET max_block = $2 WHERE id = $1', [carveId, blockId]);
    });
  }

  async expireCarves(createdBefore: Date): Promise<number> {
    const em = await this.em();
    const expired = await em.transaction(async (tx) => {
      const { rows } = await mutate<CarveRef>(
        tx,
        `UPDATE carve_metadata c SET expired = true
         FROM (SELECT id FROM carve_metadata WHERE NOT expired AND created_at < $1 ORDER BY id LIMIT $2 FOR UPDATE) due
         WHERE c.id = due.id RETURNING c.id, c.session_id`,
        [createdBefore, CARVE_EXPIRY_BATCH],
      );
      await this.blocks.dropInTransaction(tx, rows);
      return rows;
    });
    await this.blocks.afterExpiry(em, expired);
    return expired.length;
  }

  async carveBlock(carveId: number, blockId: number): Promise<Buffer> {
    const em = await this.em();
    const rows = await queryRows<CarveRef>(em, 'SELECT id, session_id FROM carve_metadata WHERE id = $1', [carveId]);
    if (rows.length === 0) throw new NotFoundError('Carve', carveId);
    const data = await this.blocks.get(em, rows[0]!, blockId);
    if (!data) throw new NotFoundError('Carve block', `${carveId}/${blockId}`);
    return data;
  }
}
