import { LABEL_ORDER_KEYS, NotFoundError } from '../../internal/fleet';
import { decodeBody, withoutNulls } from './decode';
import { echo, parseHostListQuery } from './hosts.requests';
import { hostJSON } from './hosts.serialize';
import { CreateLabelRequest, MAX_LABEL_NAME, ModifyLabelRequest, decodeApplyLabelSpecs } from './labels.requests';
import { labelResponseJSON, labelSpecJSON } from './labels.serialize';
import { parseId, parseListOptions } from './params';
import { ok, type RouteDef } from './route';
import type { Services } from './services';

/** A label name from the path; one longer than any label can have is simply not found. */
function pathName(raw: string | string[] | undefined, resource: string): string {
  const name = String(raw ?? '');
  if (name.length > MAX_LABEL_NAME) throw new NotFoundError(resource, echo(name));
  return name;
}

/**
 * Labels and label specs (spec rest-api.md §9): any logged-in user. Builtin labels cannot
 * be modified or deleted (policy: 422).
 */
export function labelRoutes({ labels }: Services): RouteDef[] {
  return [
    {
      method: 'POST',
      path: '/labels',
      name: 'create_label',
      auth: 'auth',
      async handle({ req }) {
        const body = withoutNulls(decodeBody(CreateLabelRequest, req.body));
        const label = await labels.newLabel(body);
        return ok({ label: labelResponseJSON(label, 0) });
      },
    },
    {
      method: 'GET',
      path: '/labels',
      name: 'list_labels',
      auth: 'auth',
      async handle({ req }) {
        const list = await labels.listLabels(parseListOptions(req, LABEL_ORDER_KEYS));
        return ok({ labels: list.map((l) => labelResponseJSON(l.label, l.host_count)) });
      },
    },
    {
      method: 'GET',
      path: '/labels/:id',
      name: 'get_label',
      auth: 'auth',
      async handle({ req }) {
        const { label, host_count } = await labels.label(parseId(req.params.id));
        return ok({ label: labelResponseJSON(label, host_count) });
      },
    },
    {
      method: 'PATCH',
      path: '/labels/:id',
      name: 'modify_label',
      auth: 'auth',
      async handle({ req }) {
        const id = parseId(req.params.id);
        const body = withoutNulls(decodeBody(ModifyLabelRequest, req.body));
        const { label, host_count } = await labels.modifyLabel(id, body);
        return ok({ label: labelResponseJSON(label, host_count) });
      },
    },
    {
      method: 'GET',
      path: '/labels/:id/hosts',
      name: 'list_hosts_in_label',
      auth: 'auth',
      async handle({ req }) {
        const id = parseId(req.params.id);
        const { opts, additionalKeys } = parseHostListQuery(req);
        const list = await labels.listHostsInLabel(id, opts);
        return ok({ hosts: list.map((h) => hostJSON(h, { additionalKeys })) });
      },
    },
    {
      method: 'DELETE',
      path: '/labels/id/:id',
      name: 'delete_label_by_id',
      auth: 'auth',
      async handle({ req }) {
        await labels.deleteLabelById(parseId(req.params.id));
        return ok({});
      },
    },
    {
      method: 'DELETE',
      path: '/labels/:name',
      name: 'delete_label',
      auth: 'auth',
      async handle({ req }) {
        await labels.deleteLabel(pathName(req.params.name, 'labels'));
        return ok({});
      },
    },
    {
      method: 'POST',
      path: '/spec/labels',
      name: 'apply_label_specs',
      auth: 'auth',
      async handle({ req }) {
        await labels.applyLabelSpecs(decodeApplyLabelSpecs(req.body));
        return ok({});
      },
    },
    {
      method: 'GET',
      path: '/spec/labels',
      name: 'get_label_specs',
      auth: 'auth',
      async handle() {
        return ok({ specs: (await labels.labelSpecs()).map(labelSpecJSON) });
      },
    },
    {
      method: 'GET',
      path: '/spec/labels/:name',
      name: 'get_label_spec',
      auth: 'auth',
      async handle({ req }) {
        return ok({ specs: labelSpecJSON(await labels.labelSpec(pathName(req.params.name, 'Label'))) });
      },
    },
  ];
}
