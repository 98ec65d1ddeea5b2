import { IsOptional, IsString, MaxLength } from 'class-validator';
import { BadRequestError, InvalidArgumentError, type LabelSpecInput } from '../../internal/fleet';
import { isPlainObject } from './record.validators';

// Type and size checks only; which fields are required is the service's rule.
export const MAX_LABEL_NAME = 255;
export const MAX_LABEL_DESCRIPTION = 65_535;
export const MAX_LABEL_QUERY = 65_536;
export const MAX_LABEL_PLATFORM = 255;
export const MAX_HOSTNAME = 255;
/** Hostnames in one manual label spec. */
export const MAX_SPEC_HOSTS = 100_000;
const STRING = { message: 'must be a string' };
const LONG = { message: 'is too long' };

/** POST /labels. `label_membership_type` and `label_type` are ignored (always regular, dynamic). */
export class CreateLabelRequest {
  @IsOptional() @IsString(STRING) @MaxLength(MAX_LABEL_NAME, LONG) name?: string;
  @IsOptional() @IsString(STRING) @MaxLength(MAX_LABEL_QUERY, LONG) query?: string;
  @IsOptional() @IsString(STRING) @MaxLength(MAX_LABEL_DESCRIPTION, LONG) description?: string;
  @IsOptional() @IsString(STRING) @MaxLength(MAX_LABEL_PLATFORM, LONG) platform?: string;
}

/** PATCH /labels/{id}: only name and description change; `query` and `platform` are ignored (Fleet). */
export class ModifyLabelRequest {
  @IsOptional() @IsString(STRING) @MaxLength(MAX_LABEL_NAME, LONG) name?: string;
  @IsOptional() @IsString(STRING) @MaxLength(MAX_LABEL_DESCRIPTION, LONG) description?: string;
}

const LABEL_TYPES: Record<string, LabelSpecInput['label_type']> = { regular: 'regular', builtin: 'builtin', '0': 'regular', '1': 'builtin' };

/**
 * POST /spec/labels `{"specs": [LabelSpec…]}`. Checks the JSON types of every spec (all
 * failures reported, named `specs.<i>.<field>`) and fills Fleet's defaults; the label
 * rules (empty names, hosts vs membership type, builtins) are the service's.
 */
export function decodeApplyLabelSpecs(body: unknown): LabelSpecInput[] {
  if (!isPlainObject(body)) throw new BadRequestError('request body must be a JSON object');
  const invalid = new InvalidArgumentError();
  const raw = body.specs;
  if (raw === undefined || raw === null) throw new InvalidArgumentError('specs', 'missing required argument');
  if (!Array.isArray(raw)) throw new InvalidArgumentError('specs', 'must be an array');
  const specs: LabelSpecInput[] = [];
  raw.forEach((item: unknown, i) => {
    const at = (field: string) => `specs.${i}.${field}`;
    if (!isPlainObject(item)) {
      invalid.append(`specs.${i}`, 'must be an object');
      return;
    }
    const str = (field: string, max: number, required = false): string => {
      const v = item[field];
      if (v === undefined || v === null) {
        if (required) invalid.append(at(field), 'missing required argument');
        return '';
      }
      if (typeof v !== 'string') invalid.append(at(field), 'must be a string');
      else if (v.length > max) invalid.append(at(field), 'is too long');
      else return v;
      return '';
    };
    const spec: LabelSpecInput = {
      name: str('name', MAX_LABEL_NAME, true),
      description: str('description', MAX_LABEL_DESCRIPTION),
      query: str('query', MAX_LABEL_QUERY),
      platform: str('platform', MAX_LABEL_PLATFORM),
      label_type: 'regular',
      label_membership_type: 'dynamic',
    };
    const type = item.label_type;
    if (type !== undefined && type !== null) {
      const t = typeof type === 'string' || typeof type === 'number' ? LABEL_TYPES[String(type)] : undefined;
      if (t) spec.label_type = t;
      else invalid.append(at('label_type'), 'must be one of: regular, builtin');
    }
    const membership = item.label_membership_type;
    if (membership !== undefined && membership !== null) {
      if (membership === 'dynamic' || membership === 'manual') spec.label_membership_type = membership;
      else invalid.append(at('label_membership_type'), 'must be one of: dynamic, manual');
    }
    const hosts = item.hosts;
    if (hosts !== undefined && hosts !== null) {
      if (!Array.isArray(hosts)) invalid.append(at('hosts'), 'must be an array of hostnames');
      else if (hosts.length > MAX_SPEC_HOSTS) invalid.append(at('hosts'), `must have at most ${MAX_SPEC_HOSTS} entries`);
      else if (hosts.some((h) => typeof h !== 'string')) invalid.append(at('hosts'), 'must be an array of hostnames');
      else if (hosts.some((h: string) => h.length > MAX_HOSTNAME)) invalid.append(at('hosts'), 'hostnames must be at most 255 characters');
      else spec.hosts = hosts as string[];
    }
    specs.push(spec);
  });
  invalid.throwIfAny();
  return specs;
}
