/** Inversify service identifiers; the container itself is built in cmd/fleet/container.ts. */
export const TYPES = {
  Config: Symbol.for('Config'),
  Datastore: Symbol.for('Datastore'),
  Logger: Symbol.for('Logger'),
  Clock: Symbol.for('Clock'),
  Mailer: Symbol.for('Mailer'),
  PasswordHasher: Symbol.for('PasswordHasher'),
  LoginRateLimiter: Symbol.for('LoginRateLimiter'),
  TlsInfo: Symbol.for('TlsInfo'),
  SetupService: Symbol.for('SetupService'),
  SessionService: Symbol.for('SessionService'),
  UserService: Symbol.for('UserService'),
  InviteService: Symbol.for('InviteService'),
  AppConfigService: Symbol.for('AppConfigService'),
} as const;
