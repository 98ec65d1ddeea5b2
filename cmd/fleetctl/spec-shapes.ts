// The shape of each kind's spec in a fleetctl document: checked before anything is sent, so
// a typo is reported with its position in the file; the server still enforces its own rules.
import type { Kind, Spec } from './yaml-docs';

export function isMapping(v: unknown): v is Spec {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What is wrong with a spec of this kind, or undefined when its shape is fine. */
export function specProblem(kind: Kind, spec: Spec): string | undefined {
  return SPEC_CHECKS[kind](spec);
}

const SPEC_CHECKS: Record<Kind, (spec: Spec) => string | undefined> = {
  query: (s) => needName('query', s) ?? optionalString(s, 'query') ?? optionalString(s, 'description'),
  label: (s) => needName('label', s) ?? optionalString(s, 'query') ?? optionalStrings(s, 'hosts', `label "${s.name}": hosts`),
  pack: checkPack,
  options: (s) =>
    !isMapping(s.config)
      ? 'options spec needs a config mapping (the osquery options and decorators)'
      : s.overrides !== undefined && s.overrides !== null && !isMapping(s.overrides)
        ? 'options overrides must be a mapping'
        : undefined,
  config: () => undefined,
  enroll_secret: checkEnrollSecret,
  host: () => undefined,
};

function needName(kind: string, s: Spec): string | undefined {
  return typeof s.name === 'string' && s.name.trim() !== '' ? undefined : `${kind} spec needs a name`;
}

function optionalString(s: Spec, field: string): string | undefined {
  const v = s[field];
  return v === undefined || v === null || typeof v === 'string' ? undefined : `${field} must be a string`;
}

function optionalStrings(s: Spec, field: string, what: string): string | undefined {
  const v = s[field];
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? undefined : `${what} must be a list of names`;
}

function checkPack(s: Spec): string | undefined {
  const named = needName('pack', s);
  if (named) return named;
  const pack = `pack "${s.name}"`;
  if (s.targets !== undefined && s.targets !== null) {
    if (!isMapping(s.targets)) return `${pack}: targets must be a mapping with a labels list`;
    const labels = optionalStrings(s.targets, 'labels', `${pack}: targets.labels`);
    if (labels) return labels;
  }
  if (s.queries === undefined || s.queries === null) return undefined;
  if (!Array.isArray(s.queries)) return `${pack}: queries must be a list`;
  for (const [i, q] of s.queries.entries()) {
    const at = `${pack}: queries[${i}]`;
    if (!isMapping(q)) return `${at} must be a mapping`;
    if (typeof q.query !== 'string' || q.query === '') return `${at} needs query: the name of a saved query`;
    if (!Number.isInteger(q.interval) || (q.interval as number) < 0) return `${at}: interval must be a whole number of seconds`;
  }
  return undefined;
}

function checkEnrollSecret(s: Spec): string | undefined {
  if (!Array.isArray(s.secrets)) return 'enroll_secret spec needs a secrets list';
  for (const [i, secret] of s.secrets.entries()) {
    if (!isMapping(secret)) return `secrets[${i}] must be a mapping with name, secret and active`;
    if (typeof secret.name !== 'string' || secret.name === '') return `secrets[${i}] needs a name`;
    if (typeof secret.secret !== 'string' || secret.secret === '') return `enroll secret "${secret.name}" needs a secret`;
    // The server reads a missing `active` as false, which would silently stop enrolment.
    if (typeof secret.active !== 'boolean') return `enroll secret "${secret.name}": active must be given (true or false)`;
  }
  return undefined;
}
