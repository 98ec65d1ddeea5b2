// Agent enrollment (spec §3.1, later-3.x rules).
import { randomBytes } from 'node:crypto';
import { hashToken } from '../../internal/crypto/tokens';
import { NodeInvalidError, type EnrollAgentInput, type EnrollResult, type EnrollSecretStore, type HostStore } from '../../internal/fleet';
import { ingestEnrollDetails } from './detail-queries';

/** Node keys: 32 random bytes (256 bits), standard base64 like Fleet's keys (44 characters). */
export const NODE_KEY_BYTES = 32;

export function newNodeKey(): string {
  return randomBytes(NODE_KEY_BYTES).toString('base64');
}

export type HostIdentifierChoice = 'provided' | 'instance' | 'uuid' | 'hostname';

/**
 * The identifier a host is stored under (`osquery.host_identifier`): the one the agent
 * provided, or a detail from host_details; an empty or missing detail falls back to the
 * provided identifier (Fleet's rule).
 */
export function chooseHostIdentifier(choice: string, input: EnrollAgentInput): string {
  const details = input.hostDetails;
  let chosen: string | undefined;
  switch (choice as HostIdentifierChoice) {
    case 'instance':
      chosen = details.osquery_info?.instance_id;
      break;
    case 'uuid':
      chosen = details.osquery_info?.uuid;
      break;
    case 'hostname':
      chosen = details.system_info?.hostname;
      break;
    default:
      chosen = undefined;
  }
  return chosen ? chosen : input.hostIdentifier;
}

export const ENROLL_ERRORS = {
  noSecret: 'enroll failed: no matching secret found',
  inactive: 'enroll failed: secret is inactive',
  noIdentifier: 'save enroll failed: missing osquery host identifier',
} as const;

/** Which secret an enroll request presented: its name, or NodeInvalidError with Fleet's text. */
export async function verifyEnrollSecret(store: EnrollSecretStore, secret: string): Promise<string> {
  if (secret !== '') {
    const name = await store.activeEnrollSecretName(secret);
    if (name !== null) return name;
    // Only on the failure path: tell an inactive secret from an unknown one.
    const all = await store.enrollSecrets();
    if (all.some((s) => s.secret === secret)) throw new NodeInvalidError(ENROLL_ERRORS.inactive);
  }
  throw new NodeInvalidError(ENROLL_ERRORS.noSecret);
}

export interface EnrolledAgent {
  nodeKey: string;
  nodeKeyHash: string;
  result: EnrollResult;
}

export async function enrollAgent(
  store: EnrollSecretStore & Pick<HostStore, 'enrollHost'>,
  identifierChoice: string,
  input: EnrollAgentInput,
  now: Date,
): Promise<EnrolledAgent> {
  const enrollSecretName = await verifyEnrollSecret(store, input.enrollSecret);
  const osqueryHostId = chooseHostIdentifier(identifierChoice, input);
  if (!osqueryHostId) throw new NodeInvalidError(ENROLL_ERRORS.noIdentifier);
  const nodeKey = newNodeKey();
  const nodeKeyHash = hashToken(nodeKey);
  const result = await store.enrollHost({
    osqueryHostId,
    nodeKeyHash,
    enrollSecretName,
    now,
    details: ingestEnrollDetails(input.hostDetails),
  });
  return { nodeKey, nodeKeyHash, result };
}
