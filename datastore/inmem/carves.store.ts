import {
  CARVE_EXPIRY_BATCH,
  CarveBlockOrderError,
  CarveExpiredError,
  NotFoundError,
  type CarveListOptions,
  type CarveMetadata,
  type CarveStore,
  type NewCarve,
} from '../../internal/fleet';
import { CARVE_ORDER_FIELDS } from '../carve-fields';
import { listPage } from './list';
import { copy, type InmemTables } from './tables';

/** Carves and their blocks in Maps; a host's carves go with the host (hosts.store.ts). */
export class InmemCarveStore implements CarveStore {
  constructor(private readonly t: InmemTables) {}

  async newCarve(carve: NewCarve): Promise<CarveMetadata> {
    const row: CarveMetadata = { ...copy(carve), id: this.t.carveIds.nextId(), expired: false, max_block: -1 };
    this.t.carves.set(row.id, row);
    return copy(row);
  }

  async carve(id: number): Promise<CarveMetadata> {
    return copy(this.get(id));
  }

  async carveBySessionId(sessionId: string): Promise<CarveMetadata | null> {
    for (const c of this.live()) if (c.session_id === sessionId) return copy(c);
    return null;
  }

  async listCarves(opts: CarveListOptions): Promise<CarveMetadata[]> {
    const rows = this.live().filter((c) => opts.includeExpired || !c.expired);
    return listPage(rows, opts, CARVE_ORDER_FIELDS).map(copy);
  }

  async appendCarveBlock(carveId: number, blockId: number, data: Buffer): Promise<void> {
    const c = this.get(carveId);
    if (c.expired) throw new CarveExpiredError();
    if (blockId !== c.max_block + 1) throw new CarveBlockOrderError(c.max_block + 1, blockId);
    let blocks = this.t.carveBlocks.get(carveId);
    if (!blocks) {
      blocks = new Map();
      this.t.carveBlocks.set(carveId, blocks);
    }
    blocks.set(blockId, Buffer.from(data));
    c.max_block = blockId;
  }

  async expireCarves(createdBefore: Date): Promise<number> {
    const due = this.live()
      .filter((c) => !c.expired && c.created_at.getTime() < createdBefore.getTime())
      .sort((a, b) => a.id - b.id)
      .slice(0, CARVE_EXPIRY_BATCH);
    for (const c of due) {
      c.expired = true;
      this.t.carveBlocks.delete(c.id);
    }
    return due.length;
  }

  async carveBlock(carveId: number, blockId: number): Promise<Buffer> {
    this.get(carveId);
    const data = this.t.carveBlocks.get(carveId)?.get(blockId);
    if (!data) throw new NotFoundError('Carve block', `${carveId}/${blockId}`);
    return Buffer.from(data);
  }

  /** Carves whose host still exists (the foreign-key cascade, applied on read as well). */
  private live(): CarveMetadata[] {
    const rows: CarveMetadata[] = [];
    for (const c of this.t.carves.values()) {
      if (this.t.hosts.has(c.host_id)) rows.push(c);
      else this.drop(c.id);
    }
    return rows;
  }

  private get(id: number): CarveMetadata {
    const c = this.t.carves.get(id);
    if (!c || !this.t.hosts.has(c.host_id)) {
      if (c) this.drop(id);
      throw new NotFoundError('Carve', id);
    }
    return c;
  }

  private drop(id: number): void {
    this.t.carves.delete(id);
    this.t.carveBlocks.delete(id);
  }
}
