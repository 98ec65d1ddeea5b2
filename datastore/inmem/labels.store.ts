import {
  AlreadyExistsError,
  BUILTIN_LABELS,
  DEFAULT_LIST_OPTIONS,
  InvalidArgumentError,
  NotFoundError,
  type Label,
  type LabelSpecInput,
  type LabelStore,
  type ListOptions,
  type NewLabel,
} from '../../internal/fleet';
import { LABEL_ORDER_FIELDS, type LabelWithCount } from '../order-fields';
import { listPage } from './list';
import { copy, sameFolded, type InmemTables } from './tables';

export class InmemLabelStore implements LabelStore {
  constructor(private readonly t: InmemTables) {}

  async ensureBuiltinLabels(): Promise<void> {
    const existing = [...this.t.labels.values()];
    for (const builtin of BUILTIN_LABELS) {
      if (existing.some((l) => sameFolded(l.name, builtin.name))) continue;
      this.insert(builtin);
    }
  }

  async listLabels(opts: ListOptions = DEFAULT_LIST_OPTIONS): Promise<Label[]> {
    const counts = this.counts();
    const rows: LabelWithCount[] = [...this.t.labels.values()].map((l) => ({ ...l, host_count: counts.get(l.id) ?? 0 }));
    return listPage(rows, opts, LABEL_ORDER_FIELDS).map(({ host_count: _count, ...label }) => copy(label));
  }

  async labelHostCounts(): Promise<Map<number, number>> {
    return this.counts();
  }

  async newLabel(label: NewLabel): Promise<Label> {
    this.assertNameFree(label.name);
    return copy(this.insert(label));
  }

  async label(id: number): Promise<Label> {
    return copy(this.find(id));
  }

  async labelByName(name: string): Promise<Label | null> {
    const found = this.byName(name);
    return found ? copy(found) : null;
  }

  async saveLabel(label: Label): Promise<Label> {
    const stored = this.find(label.id);
    this.assertNameFree(label.name, label.id);
    const saved: Label = { ...labelFields(label), id: stored.id, created_at: stored.created_at, updated_at: new Date() };
    this.t.labels.set(saved.id, saved);
    return copy(saved);
  }

  async deleteLabel(id: number): Promise<void> {
    this.find(id);
    this.t.labels.delete(id);
    for (const mine of this.t.memberships.values()) mine.delete(id);
  }

  async applyLabelSpecs(specs: LabelSpecInput[]): Promise<void> {
    // All checks first: the apply is all or nothing, as the Postgres transaction is.
    for (const spec of specs) {
      if (spec.name === '') throw new InvalidArgumentError('name', 'label name must not be empty');
    }
    for (const spec of specs) {
      const fields: NewLabel = {
        name: spec.name,
        description: spec.description,
        query: spec.query,
        platform: spec.platform,
        label_type: spec.label_type,
        label_membership_type: spec.label_membership_type,
      };
      const existing = this.byName(spec.name);
      let label: Label;
      if (existing) {
        label = { ...existing, ...labelFields(fields), updated_at: new Date() };
        this.t.labels.set(label.id, label);
      } else {
        label = this.insert(fields);
      }
      if (label.label_membership_type === 'manual' && label.label_type !== 'builtin' && spec.hosts !== undefined) {
        this.replaceMembers(label.id, spec.hosts);
      }
    }
  }

  async labelsForHost(hostId: number): Promise<Label[]> {
    const mine = this.t.memberships.get(hostId);
    if (!mine) return [];
    return [...mine.keys()]
      .map((id) => this.t.labels.get(id))
      .filter((l): l is Label => l !== undefined)
      .sort((a, b) => a.id - b.id)
      .map(copy);
  }

  async labelMemberHostnames(labelId: number): Promise<string[]> {
    const names: string[] = [];
    for (const [hostId, mine] of this.t.memberships) {
      const host = this.t.hosts.get(hostId);
      if (host && mine.has(labelId)) names.push(host.hostname);
    }
    return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  private insert(fields: NewLabel): Label {
    const now = new Date();
    const label: Label = { ...labelFields(fields), id: this.t.labelIds.nextId(), created_at: now, updated_at: new Date(now.getTime()) };
    this.t.labels.set(label.id, label);
    return label;
  }

  private find(id: number): Label {
    const label = this.t.labels.get(id);
    if (!label) throw new NotFoundError('Label', id);
    return label;
  }

  private byName(name: string): Label | undefined {
    for (const l of this.t.labels.values()) if (sameFolded(l.name, name)) return l;
    return undefined;
  }

  private assertNameFree(name: string, exceptId?: number): void {
    const other = this.byName(name);
    if (other && other.id !== exceptId) throw new AlreadyExistsError('Label', name);
  }

  private counts(): Map<number, number> {
    const counts = new Map<number, number>();
    for (const mine of this.t.memberships.values()) {
      for (const labelId of mine.keys()) counts.set(labelId, (counts.get(labelId) ?? 0) + 1);
    }
    return counts;
  }

  /** Members become exactly the hosts with these hostnames (case-insensitive); unknown names are skipped. */
  private replaceMembers(labelId: number, hostnames: string[]): void {
    const wanted = new Set(hostnames.filter((n) => n !== '').map((n) => n.toLowerCase()));
    const now = new Date();
    for (const mine of this.t.memberships.values()) mine.delete(labelId);
    for (const host of this.t.hosts.values()) {
      if (!wanted.has(host.hostname.toLowerCase())) continue;
      let mine = this.t.memberships.get(host.id);
      if (!mine) {
        mine = new Map();
        this.t.memberships.set(host.id, mine);
      }
      mine.set(labelId, { created_at: now, updated_at: now });
    }
  }
}

/** Only the stored fields, whatever else the caller's object carries. */
function labelFields(l: NewLabel): NewLabel {
  return {
    name: l.name,
    description: l.description,
    query: l.query,
    platform: l.platform,
    label_type: l.label_type,
    label_membership_type: l.label_membership_type,
  };
}
