// Carve block bytes of the embedded store, in files beside PGlite's data directory:
// `<dir>/<carve id>-<session id>/<block id>`. Metadata (and max_block) stays in PGlite;
// a block file is written durably (fsync of the file, rename, fsync of the directory)
// inside the append transaction, before max_block moves, so a reported block is on disk.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { EntityManager } from 'typeorm';
import type { CarveBlockStorage, CarveRef } from '../postgres/carves.repository';
import { queryRows } from '../postgres/sql';

const SESSION_ID = /^[A-Za-z0-9-]{1,64}$/;
const ENTRY = /^(\d{1,10})-([A-Za-z0-9-]{1,64})$/;

export class FileCarveBlockStorage implements CarveBlockStorage {
  constructor(readonly dir: string) {}

  async put(_tx: EntityManager, carve: CarveRef, blockId: number, data: Buffer): Promise<void> {
    const carveDir = this.carveDir(carve);
    const created = await fs.mkdir(carveDir, { recursive: true });
    if (created !== undefined) {
      await fsyncDir(this.dir);
      await fsyncDir(path.dirname(this.dir));
    }
    const final = path.join(carveDir, String(blockId));
    const tmp = `${final}.tmp`;
    const fh = await fs.open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, final);
    await fsyncDir(carveDir);
  }

  async get(_em: EntityManager, carve: CarveRef, blockId: number): Promise<Buffer | null> {
    try {
      return await fs.readFile(path.join(this.carveDir(carve), String(blockId)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async dropInTransaction(): Promise<void> {}

  /**
   * Removes the files of the carves just expired, then sweeps directories whose carve is
   * gone or expired (a deleted host's carves: the SQL cascade cannot reach files).
   */
  async afterExpiry(em: EntityManager, carves: CarveRef[]): Promise<void> {
    for (const c of carves) await this.remove(this.carveDir(c));
    let entries: string[];
    try {
      entries = await fs.readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const found = entries.map((e) => ({ e, m: ENTRY.exec(e) })).filter((x) => x.m !== null);
    if (found.length === 0) return;
    const live = await queryRows<CarveRef>(em, 'SELECT id, session_id FROM carve_metadata WHERE NOT expired AND id = ANY($1::int[])', [
      found.map((x) => Number(x.m![1])),
    ]);
    const keep = new Set(live.map((c) => `${c.id}-${c.session_id}`));
    for (const { e } of found) if (!keep.has(e)) await this.remove(path.join(this.dir, e));
  }

  private carveDir(carve: CarveRef): string {
    // Session ids are UUIDs made by the server; anything else must never become a path.
    if (!SESSION_ID.test(carve.session_id)) throw new Error('unexpected carve session id');
    return path.join(this.dir, `${carve.id}-${carve.session_id}`);
  }

  private async remove(p: string): Promise<void> {
    await fs.rm(p, { recursive: true, force: true });
  }
}

async function fsyncDir(dir: string): Promise<void> {
  let fh: fs.FileHandle | undefined;
  try {
    fh = await fs.open(dir, 'r');
    await fh.sync();
  } catch {
    // Some platforms cannot fsync a directory; the file itself was synced.
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
