import type { ListOptions } from './list-options';

export type LabelType = 'regular' | 'builtin';
export type LabelMembershipType = 'dynamic' | 'manual';

export interface Label {
  id: number;
  created_at: Date;
  updated_at: Date;
  name: string;
  description: string;
  query: string;
  platform: string;
  label_type: LabelType;
  label_membership_type: LabelMembershipType;
}

export type NewLabel = Omit<Label, 'id' | 'created_at' | 'updated_at'>;

/** Fleet's builtin labels, in seed order; a fresh database gives them ids 6–10. */
export const BUILTIN_LABELS: readonly NewLabel[] = [
  {
    name: 'All Hosts',
    description: 'All hosts which have enrolled in Fleet',
    query: 'select 1;',
    platform: '',
    label_type: 'builtin',
    label_membership_type: 'dynamic',
  },
  {
    name: 'macOS',
    description: 'All macOS hosts',
    query: "select 1 from os_version where platform = 'darwin';",
    platform: 'darwin',
    label_type: 'builtin',
    label_membership_type: 'dynamic',
  },
  {
    name: 'Ubuntu Linux',
    description: 'All Ubuntu hosts',
    query: "select 1 from os_version where platform = 'ubuntu';",
    platform: 'ubuntu',
    label_type: 'builtin',
    label_membership_type: 'dynamic',
  },
  {
    name: 'CentOS Linux',
    description: 'All CentOS hosts',
    query: "select 1 from os_version where platform = 'centos' or name like '%centos%'",
    platform: '',
    label_type: 'builtin',
    label_membership_type: 'dynamic',
  },
  {
    name: 'MS Windows',
    description: 'All Windows hosts',
    query: "select 1 from os_version where platform = 'windows';",
    platform: 'windows',
    label_type: 'builtin',
    label_membership_type: 'dynamic',
  },
];

/** The first id a fresh database hands out to labels (ids 1–5 were used by a superseded set in Fleet). */
export const FIRST_LABEL_ID = 6;

/** Fleet's `order_key` names for labels. */
export const LABEL_ORDER_KEYS = [
  'id',
  'created_at',
  'updated_at',
  'name',
  'description',
  'platform',
  'label_type',
  'label_membership_type',
  'host_count',
] as const;

/** A label spec as `fleetctl apply` sends it (already validated). */
export interface LabelSpecInput {
  name: string;
  description: string;
  query: string;
  platform: string;
  label_type: LabelType;
  label_membership_type: LabelMembershipType;
  /** Hostnames of a manual label's members; unknown hostnames are skipped. */
  hosts?: string[];
}

export interface LabelStore {
  /** Creates any builtin label that is missing (by name); idempotent. */
  ensureBuiltinLabels(): Promise<void>;
  /** Every label, ordered by `opts.orderKey` (default id); `host_count` is ordered by member count. */
  listLabels(opts?: ListOptions): Promise<Label[]>;
  /** Member count per label id (labels without members may be absent). */
  labelHostCounts(): Promise<Map<number, number>>;
  /** Throws AlreadyExistsError('Label', name) when the name is taken (case-insensitive). */
  newLabel(label: NewLabel): Promise<Label>;
  /** Throws NotFoundError('Label', id). */
  label(id: number): Promise<Label>;
  /** Case-insensitive; null when none. */
  labelByName(name: string): Promise<Label | null>;
  /** Saves every mutable field; AlreadyExistsError on a taken name; NotFoundError if gone. */
  saveLabel(label: Label): Promise<Label>;
  /** Deletes the label and its memberships. NotFoundError('Label', id). */
  deleteLabel(id: number): Promise<void>;
  /**
   * Upserts every spec by name in one transaction (all or nothing). A manual label's
   * memberships are replaced by the hosts with those hostnames.
   */
  applyLabelSpecs(specs: LabelSpecInput[]): Promise<void>;
  /** Labels the host is a member of, by id. */
  labelsForHost(hostId: number): Promise<Label[]>;
  /** Hostnames of a label's members, sorted. */
  labelMemberHostnames(labelId: number): Promise<string[]>;
}
