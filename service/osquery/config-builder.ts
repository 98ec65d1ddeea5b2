// The osquery config an agent fetches from /config (spec §6), built from cached options.
import type { AgentHost, OptionsSpec, OsqueryConfig } from '../../internal/fleet';
import { CachedValue } from './cached-value';
import type { PackSource } from './seams';

/** The intervals a config tells the agent to use; undefined when the config does not set one. */
export interface ConfigIntervals {
  distributedInterval?: number;
  loggerTlsPeriod?: number;
  configTlsRefresh?: number;
}

export class ConfigBuilder {
  private readonly intervals = new WeakMap<OsqueryConfig, ConfigIntervals>();
  /** base config → packs object → the composed config (shared, so its JSON text is reused). */
  private readonly composed = new WeakMap<OsqueryConfig, WeakMap<object, OsqueryConfig>>();

  constructor(
    private readonly options: CachedValue<OptionsSpec>,
    private readonly packs?: PackSource,
  ) {}

  /**
   * The stored config for the host's platform: a platform override replaces the default
   * wholesale (no merge); platform "" or one without an override gets the default. The
   * returned object is shared and must not be mutated.
   */
  async baseConfig(platform: string): Promise<OsqueryConfig> {
    const spec = this.options.peek() ?? (await this.options.get());
    const overrides = spec.overrides?.platforms;
    if (platform !== '' && overrides && Object.prototype.hasOwnProperty.call(overrides, platform)) {
      return overrides[platform] ?? spec.config;
    }
    return spec.config;
  }

  /**
   * The config object for a host: its base config plus `packs` when any pack applies (stored
   * options' own `packs` key is then overwritten, spec §6). Shared; must not be mutated.
   */
  async configFor(host: AgentHost): Promise<{ config: OsqueryConfig; intervals: ConfigIntervals }> {
    const base = await this.baseConfig(host.platform);
    const intervals = this.intervalsOf(base);
    if (!this.packs) return { config: base, intervals };
    const packs = await this.packs.packsForHost(host);
    if (!packs) return { config: base, intervals };
    let byPacks = this.composed.get(base);
    if (!byPacks) {
      byPacks = new WeakMap();
      this.composed.set(base, byPacks);
    }
    let config = byPacks.get(packs);
    if (!config) {
      // `packs` only when ≥1 pack applies; otherwise a `packs` key of the stored options stays.
      config = Object.keys(packs).length === 0 ? base : { ...base, packs };
      byPacks.set(packs, config);
    }
    return { config, intervals };
  }

  private intervalsOf(config: OsqueryConfig): ConfigIntervals {
    let found = this.intervals.get(config);
    if (!found) {
      const options = config.options;
      found = {};
      if (options && typeof options === 'object' && !Array.isArray(options)) {
        const o = options as Record<string, unknown>;
        found.distributedInterval = intervalValue(o.distributed_interval);
        found.loggerTlsPeriod = intervalValue(o.logger_tls_period);
        found.configTlsRefresh = intervalValue(o.config_refresh) ?? intervalValue(o.config_tls_refresh);
      }
      this.intervals.set(config, found);
    }
    return found;
  }
}

/** A non-negative integer given as a number or a numeric string; anything else: undefined. */
export function intervalValue(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v === 'string' && /^\d{1,15}$/.test(v.trim())) return Number(v.trim());
  return undefined;
}
