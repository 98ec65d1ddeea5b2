// Decorator metadata for TypeORM, before any entity class is declared.
import 'reflect-metadata';
import { AppConfigEntity } from './app-config.entity';
import { EmailChangeEntity } from './email-change.entity';
import { EnrollSecretEntity } from './enroll-secret.entity';
import { HostEntity } from './host.entity';
import { HostSeenTimeEntity } from './host-seen-time.entity';
import { InviteEntity } from './invite.entity';
import { LabelEntity } from './label.entity';
import { LabelMembershipEntity } from './label-membership.entity';
import { OsqueryOptionsEntity } from './osquery-options.entity';
import { PasswordResetEntity } from './password-reset.entity';
import { SessionEntity } from './session.entity';
import { UserEntity } from './user.entity';

export {
  AppConfigEntity,
  EmailChangeEntity,
  EnrollSecretEntity,
  HostEntity,
  HostSeenTimeEntity,
  InviteEntity,
  LabelEntity,
  LabelMembershipEntity,
  OsqueryOptionsEntity,
  PasswordResetEntity,
  SessionEntity,
  UserEntity,
};

/** Every entity, for the DataSource (the server's and ormconfig.ts's). */
export const ENTITIES = [
  UserEntity,
  SessionEntity,
  InviteEntity,
  PasswordResetEntity,
  EmailChangeEntity,
  AppConfigEntity,
  OsqueryOptionsEntity,
  EnrollSecretEntity,
  LabelEntity,
  HostEntity,
  HostSeenTimeEntity,
  LabelMembershipEntity,
];
