import type { EnrollSecret, EnrollSecretInput, EnrollSecretStore } from '../../internal/fleet';
import { copy, type InmemTables } from './tables';

export class InmemEnrollSecretStore implements EnrollSecretStore {
  constructor(private readonly t: InmemTables) {}

  async enrollSecrets(): Promise<EnrollSecret[]> {
    return [...this.t.enrollSecrets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(copy);
  }

  async applyEnrollSecrets(secrets: EnrollSecretInput[]): Promise<void> {
    const now = new Date();
    for (const { name, secret, active } of secrets) {
      const created_at = this.t.enrollSecrets.get(name)?.created_at ?? now;
      this.t.enrollSecrets.set(name, { name, secret, active, created_at });
    }
  }

  async activeEnrollSecretName(secret: string): Promise<string | null> {
    const names = [...this.t.enrollSecrets.values()].filter((s) => s.active && s.secret === secret).map((s) => s.name);
    return names.sort()[0] ?? null;
  }
}
