import type { HostListOptions } from './hosts';
import type { HostWithStatus } from './hosts.service';
import type { Label, LabelSpecInput } from './labels';
import type { ListOptions } from './list-options';

export interface LabelWithCount {
  label: Label;
  host_count: number;
}

export interface NewLabelInput {
  name?: string;
  query?: string;
  description?: string;
  platform?: string;
}

export interface LabelService {
  /** `name` and `query` are required (422 `missing required argument`); creates a regular dynamic label. */
  newLabel(input: NewLabelInput): Promise<Label>;
  /** Only name and description change (Fleet rule); builtin labels cannot be modified (422). */
  modifyLabel(id: number, patch: { name?: string; description?: string }): Promise<LabelWithCount>;
  label(id: number): Promise<LabelWithCount>;
  listLabels(opts: ListOptions): Promise<LabelWithCount[]>;
  /** NotFoundError when the label does not exist. */
  listHostsInLabel(id: number, opts: Omit<HostListOptions, 'now' | 'labelId'>): Promise<HostWithStatus[]>;
  deleteLabel(name: string): Promise<void>;
  deleteLabelById(id: number): Promise<void>;
  /** Validates every spec first (422), then applies them all in one transaction. */
  applyLabelSpecs(specs: LabelSpecInput[]): Promise<void>;
  labelSpecs(): Promise<Array<LabelSpecInput>>;
  labelSpec(name: string): Promise<LabelSpecInput>;
}
