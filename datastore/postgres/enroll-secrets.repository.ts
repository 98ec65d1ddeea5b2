import type { EnrollSecret, EnrollSecretInput, EnrollSecretStore } from '../../internal/fleet';
import type { ManagerSource } from './connection';
import { EnrollSecretEntity } from './entities';

function toSecret(e: EnrollSecretEntity): EnrollSecret {
  return { ...e };
}

export class EnrollSecretsRepository implements EnrollSecretStore {
  constructor(private readonly em: ManagerSource) {}

  async enrollSecrets(): Promise<EnrollSecret[]> {
    // Byte order (COLLATE "C") so every server and the in-memory store agree.
    const rows = await (await this.em())
      .createQueryBuilder(EnrollSecretEntity, 's')
      .orderBy('s.name COLLATE "C"')
      .getMany();
    return rows.map(toSecret);
  }

  /** One multi-row upsert (atomic on its own); created_at is never overwritten. */
  async applyEnrollSecrets(secrets: EnrollSecretInput[]): Promise<void> {
    // ON CONFLICT cannot touch a row twice in one statement: the last entry per name wins.
    const byName = new Map(secrets.map((s) => [s.name, { name: s.name, secret: s.secret, active: s.active }]));
    if (byName.size === 0) return;
    await (await this.em())
      .createQueryBuilder()
      .insert()
      .into(EnrollSecretEntity)
      .values([...byName.values()])
      .orUpdate(['secret', 'active'], ['name'])
      .execute();
  }

  async activeEnrollSecretName(secret: string): Promise<string | null> {
    const row = await (await this.em())
      .createQueryBuilder(EnrollSecretEntity, 's')
      .where('s.secret = :secret AND s.active', { secret })
      .orderBy('s.name COLLATE "C"')
      .getOne();
    return row ? row.name : null;
  }
}
