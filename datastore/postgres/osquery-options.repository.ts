import { defaultOptionsSpec, type OptionsSpec, type OsqueryOptionsStore } from '../../internal/fleet';
import type { QueryDeepPartialEntity } from 'typeorm';
import type { ManagerSource } from './connection';
import { OsqueryOptionsEntity } from './entities';

const ROW_ID = 1;

function row(spec: OptionsSpec): QueryDeepPartialEntity<OsqueryOptionsEntity> {
  // TypeORM's deep-partial type cannot follow the open-ended JSON records; the jsonb
  // columns take them whole.
  return { id: ROW_ID, config: spec.config as never, overrides: spec.overrides as never, updated_at: () => 'now()' };
}

export class OsqueryOptionsRepository implements OsqueryOptionsStore {
  constructor(private readonly em: ManagerSource) {}

  async osqueryOptions(): Promise<OptionsSpec> {
    const row = await (await this.em()).findOneBy(OsqueryOptionsEntity, { id: ROW_ID });
    return row ? { config: row.config, overrides: row.overrides } : defaultOptionsSpec();
  }

  /** One upsert of the one row: config and every override are replaced together. */
  async applyOsqueryOptions(spec: OptionsSpec): Promise<void> {
    await (await this.em())
      .createQueryBuilder()
      .insert()
      .into(OsqueryOptionsEntity)
      .values(row(spec))
      .orUpdate(['config', 'overrides', 'updated_at'], ['id'])
      .execute();
  }
}
