export interface EnrollSecret {
  name: string;
  secret: string;
  active: boolean;
  created_at: Date;
}

export type EnrollSecretInput = Omit<EnrollSecret, 'created_at'>;

export interface EnrollSecretStore {
  /** All secrets ordered by name. */
  enrollSecrets(): Promise<EnrollSecret[]>;
  /** Upsert by name, in one transaction: secret and active replaced, created_at kept. Others untouched. */
  applyEnrollSecrets(secrets: EnrollSecretInput[]): Promise<void>;
  /** The name of the active secret equal to `secret`, or null. */
  activeEnrollSecretName(secret: string): Promise<string | null>;
}
