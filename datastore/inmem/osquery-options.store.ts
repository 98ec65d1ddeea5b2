import { defaultOptionsSpec, type OptionsSpec, type OsqueryOptionsStore } from '../../internal/fleet';
import { copy, type InmemTables } from './tables';

export class InmemOsqueryOptionsStore implements OsqueryOptionsStore {
  constructor(private readonly t: InmemTables) {}

  async osqueryOptions(): Promise<OptionsSpec> {
    return this.t.osqueryOptions ? copy(this.t.osqueryOptions) : defaultOptionsSpec();
  }

  async applyOsqueryOptions(spec: OptionsSpec): Promise<void> {
    this.t.osqueryOptions = copy(spec);
  }
}
