export type OrderDirection = 'asc' | 'desc';

/**
 * Paging and ordering of a list. `orderKey` is a domain field name already checked
 * against the endpoint's allow-list; adapters map it to their own column.
 * `perPage` undefined means "all" (Fleet's quirk that fleetctl relies on).
 */
export interface ListOptions {
  page: number;
  perPage?: number;
  orderKey?: string;
  orderDirection: OrderDirection;
}

export const DEFAULT_LIST_OPTIONS: ListOptions = { page: 0, orderDirection: 'asc' };

/** Fleet returns at most this many rows when per_page is absent. */
export const MAX_LIST_ROWS = 1_000_000;
