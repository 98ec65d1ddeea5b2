import { centos } from './centos';
import { darwin } from './darwin';
import type { PlatformName, PlatformTemplate } from './types';
import { ubuntu } from './ubuntu';
import { windows } from './windows';

export * from './types';

export const TEMPLATES: Record<PlatformName, PlatformTemplate> = { ubuntu, centos, darwin, windows };
