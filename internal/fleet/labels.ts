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

export interface LabelStore {
  /** Creates any builtin label that is missing (by name); idempotent. */
  ensureBuiltinLabels(): Promise<void>;
  listLabels(): Promise<Label[]>;
}
