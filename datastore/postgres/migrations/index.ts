import { InitialSchema1735689600000 } from './1735689600000-initial-schema';

/** Every migration, oldest first. Add new ones at the end. */
export const MIGRATIONS = [InitialSchema1735689600000];
