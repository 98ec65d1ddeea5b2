import { PACK_ORDER_KEYS } from '../../internal/fleet';
import { MAX_PACK_NAME, decodeApplyPackSpecs, decodePackFields } from './packs.requests';
import { packResponseJSON, packSpecJSON } from './packs.serialize';
import { parseId, parseListOptions } from './params';
import { pathName } from './queries.requests';
import { ok, type RouteDef } from './route';
import type { Services } from './services';

/**
 * Packs and pack specs (spec rest-api.md §11): any logged-in user. A pack needs a
 * non-empty name; targets must exist (policy: 422); a taken name is a 409.
 */
export function packRoutes({ packs }: Services): RouteDef[] {
  return [
    {
      method: 'POST',
      path: '/packs',
      name: 'create_pack',
      auth: 'auth',
      async handle({ req }) {
        return ok({ pack: packResponseJSON(await packs.newPack(decodePackFields(req.body))) });
      },
    },
    {
      method: 'GET',
      path: '/packs',
      name: 'list_packs',
      auth: 'auth',
      async handle({ req }) {
        const list = await packs.listPacks(parseListOptions(req, PACK_ORDER_KEYS));
        return ok({ packs: list.map(packResponseJSON) });
      },
    },
    {
      method: 'GET',
      path: '/packs/:id',
      name: 'get_pack',
      auth: 'auth',
      async handle({ req }) {
        return ok({ pack: packResponseJSON(await packs.pack(parseId(req.params.id))) });
      },
    },
    {
      method: 'PATCH',
      path: '/packs/:id',
      name: 'modify_pack',
      auth: 'auth',
      async handle({ req }) {
        const id = parseId(req.params.id);
        return ok({ pack: packResponseJSON(await packs.modifyPack(id, decodePackFields(req.body))) });
      },
    },
    {
      method: 'DELETE',
      path: '/packs/id/:id',
      name: 'delete_pack_by_id',
      auth: 'auth',
      async handle({ req }) {
        await packs.deletePackById(parseId(req.params.id));
        return ok({});
      },
    },
    {
      method: 'DELETE',
      path: '/packs/:name',
      name: 'delete_pack',
      auth: 'auth',
      async handle({ req }) {
        await packs.deletePack(pathName(req.params.name, 'packs', MAX_PACK_NAME));
        return ok({});
      },
    },
    {
      method: 'POST',
      path: '/spec/packs',
      name: 'apply_pack_specs',
      auth: 'auth',
      async handle({ req }) {
        await packs.applyPackSpecs(decodeApplyPackSpecs(req.body));
        return ok({});
      },
    },
    {
      method: 'GET',
      path: '/spec/packs',
      name: 'get_pack_specs',
      auth: 'auth',
      async handle() {
        const specs = await packs.packSpecs();
        // Fleet answers `null`, not `[]`, when there are no packs.
        return ok({ specs: specs.length > 0 ? specs.map(packSpecJSON) : null });
      },
    },
    {
      method: 'GET',
      path: '/spec/packs/:name',
      name: 'get_pack_spec',
      auth: 'auth',
      async handle({ req }) {
        return ok({ specs: packSpecJSON(await packs.packSpec(pathName(req.params.name, 'Pack', MAX_PACK_NAME))) });
      },
    },
  ];
}
