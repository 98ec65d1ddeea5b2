import { INVITE_ORDER_KEYS } from '../../internal/fleet';
import { decodeBody, withoutNulls } from './decode';
import { CreateInviteRequest } from './invites.requests';
import { parseId, parseListOptions } from './params';
import { ok, type RouteDef } from './route';
import { inviteJSON } from './serialize';
import type { Services } from './services';

export function inviteRoutes({ invites }: Services): RouteDef[] {
  return [
    {
      method: 'POST',
      path: '/invites',
      name: 'create_invite',
      auth: 'admin',
      async handle({ req }) {
        const body = withoutNulls(decodeBody(CreateInviteRequest, req.body));
        return ok({ invite: inviteJSON(await invites.createInvite(body)) });
      },
    },
    {
      method: 'GET',
      path: '/invites',
      name: 'list_invites',
      auth: 'admin',
      async handle({ req }) {
        const list = await invites.listInvites(parseListOptions(req, INVITE_ORDER_KEYS));
        return ok({ invites: list.map(inviteJSON) });
      },
    },
    {
      method: 'DELETE',
      path: '/invites/:id',
      name: 'delete_invite',
      auth: 'admin',
      async handle({ req }) {
        await invites.deleteInvite(parseId(req.params.id));
        return ok({});
      },
    },
    {
      // Same template as DELETE /invites/{id}, told apart by method: here the segment is a token.
      method: 'GET',
      path: '/invites/:token',
      name: 'verify_invite',
      auth: 'public',
      async handle({ req }) {
        const token = req.params.token;
        return ok({ invite: inviteJSON(await invites.verifyInvite(typeof token === 'string' ? token : '')) });
      },
    },
  ];
}
