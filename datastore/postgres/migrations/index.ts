import { InitialSchema1735689600000 } from './1735689600000-initial-schema';
import { HostsAndLabelMembership1767225600000 } from './1767225600000-hosts-and-label-membership';

/** Every migration, oldest first. Add new ones at the end. */
export const MIGRATIONS = [InitialSchema1735689600000, HostsAndLabelMembership1767225600000];
