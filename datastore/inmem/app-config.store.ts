import { defaultAppConfig, type AppConfig, type AppConfigStore } from '../../internal/fleet';
import { copy, type InmemTables } from './tables';

export class InmemAppConfigStore implements AppConfigStore {
  constructor(private readonly t: InmemTables) {}

  async appConfig(): Promise<AppConfig> {
    return this.t.appConfig ? copy(this.t.appConfig) : defaultAppConfig();
  }

  async saveAppConfig(config: AppConfig): Promise<void> {
    this.t.appConfig = copy(config);
  }
}
