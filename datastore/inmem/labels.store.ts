import { BUILTIN_LABELS, type Label, type LabelStore } from '../../internal/fleet';
import { copy, sameFolded, type InmemTables } from './tables';

export class InmemLabelStore implements LabelStore {
  constructor(private readonly t: InmemTables) {}

  async ensureBuiltinLabels(): Promise<void> {
    const existing = [...this.t.labels.values()];
    for (const builtin of BUILTIN_LABELS) {
      if (existing.some((l) => sameFolded(l.name, builtin.name))) continue;
      const now = new Date();
      const label: Label = { ...copy(builtin), id: this.t.labelIds.nextId(), created_at: now, updated_at: now };
      this.t.labels.set(label.id, label);
    }
  }

  async listLabels(): Promise<Label[]> {
    return [...this.t.labels.values()].sort((a, b) => a.id - b.id).map(copy);
  }
}
