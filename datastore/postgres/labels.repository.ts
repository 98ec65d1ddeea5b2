import { BUILTIN_LABELS, type Label, type LabelStore } from '../../internal/fleet';
import type { ManagerSource } from './connection';
import { LabelEntity } from './entities';
import { uniqueViolation } from './pg-errors';

function toLabel(e: LabelEntity): Label {
  return { ...e };
}

export class LabelsRepository implements LabelStore {
  constructor(private readonly em: ManagerSource) {}

  async ensureBuiltinLabels(): Promise<void> {
    try {
      await this.insertMissingBuiltins();
    } catch (err) {
      // Another process seeded the same labels concurrently; its rows are as good as ours.
      if (uniqueViolation(err) === null) throw err;
      await this.insertMissingBuiltins();
    }
  }

  async listLabels(): Promise<Label[]> {
    const rows = await (await this.em()).find(LabelEntity, { order: { id: 'ASC' } });
    return rows.map(toLabel);
  }

  /**
   * Inserts only the missing ones, in seed order, so ids follow BUILTIN_LABELS and a
   * re-run burns no identity values (ON CONFLICT DO NOTHING would).
   */
  private async insertMissingBuiltins(): Promise<void> {
    await (await this.em()).transaction(async (tx) => {
      const existing = await tx.createQueryBuilder(LabelEntity, 'l').select('lower(l.name)', 'name').getRawMany<{ name: string }>();
      const have = new Set(existing.map((r) => r.name));
      const missing = BUILTIN_LABELS.filter((l) => !have.has(l.name.toLowerCase()));
      // One row per statement: the ids then follow seed order by construction.
      for (const label of missing) {
        await tx.createQueryBuilder().insert().into(LabelEntity).values({ ...label }).execute();
      }
    });
  }
}
