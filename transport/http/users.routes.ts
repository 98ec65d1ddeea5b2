import { USER_ORDER_KEYS } from '../../internal/fleet';
import { decodeBody, withoutNulls } from './decode';
import { parseId, parseListOptions } from './params';
import { ok, viewerOf, type RouteDef } from './route';
import { userJSON } from './serialize';
import type { Services } from './services';
import {
  AdminUserRequest,
  CreateUserRequest,
  CreateUserWithInviteRequest,
  EnableUserRequest,
  ModifyUserRequest,
  RequirePasswordResetRequest,
} from './users.requests';

export function userRoutes({ users }: Services): RouteDef[] {
  return [
    {
      method: 'GET',
      path: '/users',
      name: 'list_users',
      auth: 'active',
      async handle({ req }) {
        const list = await users.listUsers(parseListOptions(req, USER_ORDER_KEYS));
        return ok({ users: list.map(userJSON) });
      },
    },
    {
      method: 'POST',
      path: '/users',
      name: 'create_user',
      auth: 'public',
      async handle({ req }) {
        const body = withoutNulls(decodeBody(CreateUserWithInviteRequest, req.body));
        return ok({ user: userJSON(await users.createUserFromInvite(body)) });
      },
    },
    {
      method: 'POST',
      path: '/users/admin',
      name: 'create_user_without_invite',
      auth: 'admin',
      async handle({ req }) {
        const body = withoutNulls(decodeBody(CreateUserRequest, req.body));
        return ok({ user: userJSON(await users.createUser(body)) });
      },
    },
    {
      method: 'GET',
      path: '/users/:id',
      name: 'get_user',
      auth: 'read_user',
      userParam: 'id',
      async handle({ req }) {
        return ok({ user: userJSON(await users.user(parseId(req.params.id))) });
      },
    },
    {
      method: 'PATCH',
      path: '/users/:id',
      name: 'modify_user',
      auth: 'write_user',
      userParam: 'id',
      async handle(ctx) {
        const id = parseId(ctx.req.params.id);
        const body = withoutNulls(decodeBody(ModifyUserRequest, ctx.req.body));
        return ok({ user: userJSON(await users.modifyUser(viewerOf(ctx), id, body)) });
      },
    },
    {
      method: 'POST',
      path: '/users/:id/enable',
      name: 'enable_user',
      auth: 'admin',
      async handle({ req }) {
        const id = parseId(req.params.id);
        const body = decodeBody(EnableUserRequest, req.body);
        return ok({ user: userJSON(await users.enableUser(id, body.enabled)) });
      },
    },
    {
      method: 'POST',
      path: '/users/:id/admin',
      name: 'admin_user',
      auth: 'admin',
      async handle({ req }) {
        const id = parseId(req.params.id);
        const body = decodeBody(AdminUserRequest, req.body);
        return ok({ user: userJSON(await users.setAdmin(id, body.admin)) });
      },
    },
    {
      method: 'POST',
      path: '/users/:id/require_password_reset',
      name: 'require_password_reset',
      auth: 'admin',
      async handle({ req }) {
        const id = parseId(req.params.id);
        const body = decodeBody(RequirePasswordResetRequest, req.body);
        return ok({ user: userJSON(await users.requirePasswordReset(id, body.require)) });
      },
    },
  ];
}
