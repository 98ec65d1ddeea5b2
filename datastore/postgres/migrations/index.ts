import { InitialSchema1735689600000 } from './1735689600000-initial-schema';
import { HostsAndLabelMembership1767225600000 } from './1767225600000-hosts-and-label-membership';
import { QueriesAndPacks1769904000000 } from './1769904000000-queries-and-packs';
import { LiveQueryCampaigns1770508800000 } from './1770508800000-live-query-campaigns';
import { Carves1772000000000 } from './1772000000000-carves';
import { HostSearchWords1772582400000 } from './1772582400000-host-search-words';
import { HostOnlineWindow1773000000000 } from './1773000000000-host-online-window';

/** Every migration, oldest first. Add new ones at the end. */
export const MIGRATIONS = [InitialSchema1735689600000, HostsAndLabelMembership1767225600000, QueriesAndPacks1769904000000, LiveQueryCampaigns1770508800000, Carves1772000000000, HostSearchWords1772582400000, HostOnlineWindow1773000000000];
