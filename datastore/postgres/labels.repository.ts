import type { EntityManager } from 'typeorm';
import {
  AlreadyExistsError,
  BUILTIN_LABELS,
  DEFAULT_LIST_OPTIONS,
  InvalidArgumentError,
  MAX_LIST_ROWS,
  NotFoundError,
  type Label,
  type LabelSpecInput,
  type LabelStore,
  type ListOptions,
  type NewLabel,
} from '../../internal/fleet';
import { LABEL_ORDER_FIELDS, orderField } from '../order-fields';
import type { ManagerSource } from './connection';
import { LabelEntity } from './entities';
import { uniqueViolation } from './pg-errors';
import { mutate, Params, queryRows } from './sql';

export const SELECT_LABEL = 'l.id, l.created_at, l.updated_at, l.name, l.description, l.query, l.platform, l.label_type, l.label_membership_type';

/** Order fields that are not text; text sorts in byte order, as the in-memory store does. */
const NON_TEXT_FIELDS = new Set(['id', 'created_at', 'updated_at', 'host_count']);

function toLabel(e: Label): Label {
  return { ...e };
}

/** A taken name (unique lower(name)) as AlreadyExistsError('Label', name). */
function labelConflict(err: unknown, name: string): unknown {
  return uniqueViolation(err) === 'labels_name_lower_key' ? new AlreadyExistsError('Label', name) : err;
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

  async listLabels(opts: ListOptions = DEFAULT_LIST_OPTIONS): Promise<Label[]> {
    const field = orderField(LABEL_ORDER_FIELDS, opts.orderKey);
    const direction = opts.orderDirection === 'desc' ? 'DESC' : 'ASC';
    const p = new Params();
    const byCount = field === 'host_count';
    const key = byCount ? 'coalesce(c.n, 0)' : `l.${field}${NON_TEXT_FIELDS.has(field) ? '' : ' COLLATE "C"'}`;
    const limit = p.add(opts.perPage ?? MAX_LIST_ROWS);
    const offset = p.add(opts.perPage === undefined ? 0 : opts.page * opts.perPage);
    const rows = await queryRows<Label>(
      await this.em(),
      `SELECT ${SELECT_LABEL} FROM labels l
       ${byCount ? 'LEFT JOIN (SELECT label_id, count(*) AS n FROM label_membership GROUP BY label_id) c ON c.label_id = l.id' : ''}
       ORDER BY ${key} ${direction}${field === 'id' ? '' : ', l.id ASC'} LIMIT ${limit} OFFSET ${offset}`,
      p.values,
    );
    return rows.map(toLabel);
  }

  async labelHostCounts(): Promise<Map<number, number>> {
    const rows = await queryRows<{ label_id: number; n: number }>(
      await this.em(),
      'SELECT label_id, count(*)::int AS n FROM label_membership GROUP BY label_id',
    );
    return new Map(rows.map((r) => [r.label_id, r.n]));
  }

  async newLabel(label: NewLabel): Promise<Label> {
    try {
      const [row] = await queryRows<Label>(
        await this.em(),
        `INSERT INTO labels AS l (name, description, query, platform, label_type, label_membership_type)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${SELECT_LABEL}`,
        [label.name, label.description, label.query, label.platform, label.label_type, label.label_membership_type],
      );
      return toLabel(row!);
    } catch (err) {
      throw labelConflict(err, label.name);
    }
  }

  async label(id: number): Promise<Label> {
    const [row] = await queryRows<Label>(await this.em(), `SELECT ${SELECT_LABEL} FROM labels l WHERE l.id = $1`, [id]);
    if (!row) throw new NotFoundError('Label', id);
    return toLabel(row);
  }

  async labelByName(name: string): Promise<Label | null> {
    const [row] = await queryRows<Label>(await this.em(), `SELECT ${SELECT_LABEL} FROM labels l WHERE lower(l.name) = lower($1)`, [name]);
    return row ? toLabel(row) : null;
  }

  async saveLabel(label: Label): Promise<Label> {
    let rows: Label[];
    try {
      ({ rows } = await mutate<Label>(
        await this.em(),
        `UPDATE labels AS l SET name = $2, description = $3, query = $4, platform = $5, label_type = $6,
           label_membership_type = $7, updated_at = now()
         WHERE l.id = $1 RETURNING ${SELECT_LABEL}`,
        [label.id, label.name, label.description, label.query, label.platform, label.label_type, label.label_membership_type],
      ));
    } catch (err) {
      throw labelConflict(err, label.name);
    }
    if (rows.length === 0) throw new NotFoundError('Label', label.id);
    return toLabel(rows[0]!);
  }

  async deleteLabel(id: number): Promise<void> {
    const { count } = await mutate(await this.em(), 'DELETE FROM labels WHERE id = $1', [id]);
    if (count === 0) throw new NotFoundError('Label', id);
  }

  async applyLabelSpecs(specs: LabelSpecInput[]): Promise<void> {
    if (specs.length === 0) return;
    await (
      await this.em()
    ).transaction(async (tx) => {
      for (const spec of specs) await this.applySpec(tx, spec);
    });
  }

  /**
   * Update by name, else insert: no identity value is burnt on an update (ON CONFLICT would
   * burn one per spec), so label ids stay gap-free as in the in-memory store.
   */
  private async applySpec(tx: EntityManager, spec: LabelSpecInput): Promise<void> {
    if (spec.name === '') throw new InvalidArgumentError('name', 'label name must not be empty');
    const values = [spec.name, spec.description, spec.query, spec.platform, spec.label_type, spec.label_membership_type];
    const { rows: updated } = await mutate<{ id: number }>(
      tx,
      `UPDATE labels SET name = $1, description = $2, query = $3, platform = $4, label_type = $5,
         label_membership_type = $6, updated_at = now()
       WHERE lower(name) = lower($1) RETURNING id`,
      values,
    );
    let id = updated[0]?.id;
    if (id === undefined) {
      try {
        const [row] = await queryRows<{ id: number }>(
          tx,
          `INSERT INTO labels (name, description, query, platform, label_type, label_membership_type)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          values,
        );
        id = row!.id;
      } catch (err) {
        throw labelConflict(err, spec.name);
      }
    }
    if (spec.label_membership_type === 'manual' && spec.label_type !== 'builtin' && spec.hosts !== undefined) {
      await mutate(tx, 'DELETE FROM label_membership WHERE label_id = $1', [id]);
      const names = spec.hosts.filter((n) => n !== '');
      if (names.length > 0) {
        await queryRows(
          tx,
          `INSERT INTO label_membership (host_id, label_id)
           SELECT h.id, $1 FROM hosts h WHERE lower(h.host_name) IN (SELECT lower(n) FROM unnest($2::text[]) AS n)
           ON CONFLICT (host_id, label_id) DO NOTHING`,
          [id, names],
        );
      }
    }
  }

  async labelsForHost(hostId: number): Promise<Label[]> {
    const rows = await queryRows<Label>(
      await this.em(),
      `SELECT ${SELECT_LABEL} FROM labels l JOIN label_membership m ON m.label_id = l.id WHERE m.host_id = $1 ORDER BY l.id`,
      [hostId],
    );
    return rows.map(toLabel);
  }

  async labelMemberHostnames(labelId: number): Promise<string[]> {
    const rows = await queryRows<{ host_name: string }>(
      await this.em(),
      `SELECT h.host_name FROM hosts h JOIN label_membership m ON m.host_id = h.id
       WHERE m.label_id = $1 ORDER BY h.host_name COLLATE "C", h.id`,
      [labelId],
    );
    return rows.map((r) => r.host_name);
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
