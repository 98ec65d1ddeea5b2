import {
  UnprocessableError,
  type Label,
  type LabelSpecInput,
} from '../internal/fleet';

/**
 * Fleet's pre-checks of a label spec batch (spec rest-api.md §9, POST /spec/labels),
 * evaluated in order; the first failure is the answer (422 on `base`, Fleet's texts).
 */
export function checkLabelSpecs(specs: LabelSpecInput[]): void {
  for (const spec of specs) {
    if (spec.name === '') throw new UnprocessableError('label name must not be empty');
    const hosts = spec.hosts;
    if (spec.label_membership_type === 'dynamic' && hosts !== undefined && hosts.length > 0) {
      throw new UnprocessableError(`label ${spec.name} is declared as dynamic but contains \`hosts\` key`);
    }
    if (spec.label_membership_type === 'manual' && hosts === undefined) {
      throw new UnprocessableError(`label ${spec.name} is declared as manual but contains no \`hosts key\``);
    }
  }
}

/** Whether applying `spec` would leave the builtin label exactly as it is. */
export function sameAsBuiltin(spec: LabelSpecInput, builtin: Label): boolean {
  return (
    spec.name === builtin.name &&
    spec.query === builtin.query &&
    spec.description === builtin.description &&
    spec.platform === builtin.platform &&
    spec.label_type === 'builtin' &&
    spec.label_membership_type === builtin.label_membership_type &&
    (spec.hosts === undefined || spec.hosts.length === 0)
  );
}

/**
 * Policy: builtin labels are never changed by a spec. A spec identical to a builtin is a
 * no-op (so `fleetctl get labels | fleetctl apply` works); anything else touching a builtin,
 * or claiming `label_type: builtin` for another name, is a 422. Returns the specs to apply.
 */
export function withoutBuiltins(specs: LabelSpecInput[], existing: Array<Label | null>): LabelSpecInput[] {
  const out: LabelSpecInput[] = [];
  specs.forEach((spec, i) => {
    const label = existing[i] ?? null;
    if (label?.label_type === 'builtin') {
      if (sameAsBuiltin(spec, label)) return;
      throw new UnprocessableError(`cannot modify built-in label ${label.name}`);
    }
    if (spec.label_type === 'builtin') {
      throw new UnprocessableError(`cannot create built-in label ${spec.name}: label_type must be regular`);
    }
    out.push(spec);
  });
  return out;
}

/** A label's spec as `GET /spec/labels` shows it; manual labels list their members' hostnames. */
export function labelToSpec(label: Label, memberHostnames: string[] | null): LabelSpecInput {
  const spec: LabelSpecInput = {
    name: label.name,
    description: label.description,
    query: label.query,
    platform: label.platform,
    label_type: label.label_type,
    label_membership_type: label.label_membership_type,
  };
  if (memberHostnames !== null) spec.hosts = memberHostnames;
  return spec;
}
