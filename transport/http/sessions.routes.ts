import { decodeBody } from './decode';
import { parseId } from './params';
import { ok, viewerOf, type RouteDef } from './route';
import { sessionJSON, userJSON } from './serialize';
import type { Services } from './services';
import { LoginRequest } from './sessions.requests';

export function sessionRoutes({ sessions }: Services): RouteDef[] {
  return [
    {
      method: 'POST',
      path: '/login',
      name: 'login',
      auth: 'public',
      async handle({ req }) {
        const body = decodeBody(LoginRequest, req.body);
        const { user, token } = await sessions.login({
          username: body.username,
          password: body.password,
          remoteAddress: req.ip ?? req.socket.remoteAddress ?? '',
        });
        return ok({ user: userJSON(user), token });
      },
    },
    {
      method: 'POST',
      path: '/logout',
      name: 'logout',
      auth: 'auth_any',
      async handle(ctx) {
        await sessions.logout(viewerOf(ctx));
        return ok({});
      },
    },
    {
      method: 'GET',
      path: '/me',
      name: 'me',
      auth: 'auth_any',
      async handle(ctx) {
        return ok({ user: userJSON(viewerOf(ctx).user) });
      },
    },
    {
      method: 'GET',
      path: '/sessions/:id',
      name: 'get_session_info',
      auth: 'admin',
      async handle({ req }) {
        return ok(sessionJSON(await sessions.session(parseId(req.params.id))));
      },
    },
    {
      method: 'DELETE',
      path: '/sessions/:id',
      name: 'delete_session',
      auth: 'admin',
      async handle({ req }) {
        await sessions.deleteSession(parseId(req.params.id));
        return ok({});
      },
    },
    {
      method: 'GET',
      path: '/users/:id/sessions',
      name: 'get_session_info_for_user',
      auth: 'read_user',
      userParam: 'id',
      async handle({ req }) {
        const list = await sessions.listSessionsForUser(parseId(req.params.id));
        return ok({ sessions: list.length ? list.map(sessionJSON) : null });
      },
    },
    {
      method: 'DELETE',
      path: '/users/:id/sessions',
      name: 'delete_session_for_user',
      auth: 'write_user',
      userParam: 'id',
      async handle({ req }) {
        await sessions.deleteSessionsForUser(parseId(req.params.id));
        return ok({});
      },
    },
  ];
}
