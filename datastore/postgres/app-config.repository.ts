import { defaultAppConfig, type AppConfig, type AppConfigStore } from '../../internal/fleet';
import type { ManagerSource } from './connection';
import { AppConfigEntity } from './entities';

const ROW_ID = 1;

/**
 * Fills groups and fields a stored config lacks (saved by an older server) from the
 * defaults, so readers always get a complete AppConfig.
 */
function withDefaults(stored: Partial<AppConfig>): AppConfig {
  const defaults = defaultAppConfig();
  const merged: Record<string, unknown> = { ...defaults };
  for (const [group, value] of Object.entries(stored)) {
    const base = (defaults as unknown as Record<string, unknown>)[group];
    merged[group] = isPlainObject(base) && isPlainObject(value) ? { ...base, ...value } : value;
  }
  return merged as unknown as AppConfig;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class AppConfigRepository implements AppConfigStore {
  constructor(private readonly em: ManagerSource) {}

  async appConfig(): Promise<AppConfig> {
    const row = await (await this.em()).findOneBy(AppConfigEntity, { id: ROW_ID });
    return row ? withDefaults(row.config) : defaultAppConfig();
  }

  async saveAppConfig(config: AppConfig): Promise<void> {
    await (await this.em())
      .createQueryBuilder()
      .insert()
      .into(AppConfigEntity)
      .values({ id: ROW_ID, config, updated_at: () => 'now()' })
      .orUpdate(['config', 'updated_at'], ['id'])
      .execute();
  }
}
