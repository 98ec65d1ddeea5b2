import type { Label, LabelSpecInput } from '../../internal/fleet';
import { fleetTime } from './serialize';

/** Fleet's Label, in its field order; empty description/platform and a zero host_count are omitted. */
export function labelJSON(l: Label, hostCount = 0) {
  return {
    created_at: fleetTime(l.created_at),
    updated_at: fleetTime(l.updated_at),
    id: l.id,
    name: l.name,
    ...(l.description ? { description: l.description } : {}),
    query: l.query,
    ...(l.platform ? { platform: l.platform } : {}),
    label_type: l.label_type,
    label_membership_type: l.label_membership_type,
    ...(hostCount > 0 ? { host_count: hostCount } : {}),
  };
}

/** Fleet's "label response": the label plus display_text, count and the never-filled host_ids. */
export function labelResponseJSON(l: Label, hostCount: number) {
  return { ...labelJSON(l, hostCount), display_text: l.name, count: hostCount, host_ids: null };
}

/**
 * A LabelSpec as fleetctl reads it (spec §3): `ID` (capitalised, always 0), `label_type`
 * only for builtins, `hosts` only for manual labels. It applies back unchanged.
 */
export function labelSpecJSON(s: LabelSpecInput) {
  return {
    ID: 0,
    name: s.name,
    description: s.description,
    query: s.query,
    ...(s.platform ? { platform: s.platform } : {}),
    ...(s.label_type === 'builtin' ? { label_type: 'builtin' } : {}),
    label_membership_type: s.label_membership_type,
    ...(s.hosts !== undefined ? { hosts: s.hosts } : {}),
  };
}
