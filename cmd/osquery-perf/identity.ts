// Per-agent identity: everything about a simulated host that must stay stable for a
// given (seed, index) so runs are reproducible and re-runs re-enroll the same hosts.
import { Rng, mixSeed } from './rng';
import { linkLocalFromMac } from './templates/common';
import { PLATFORM_NAMES, TEMPLATES, type HardwareProfile, type IdentityFacts, type PlatformName, type PlatformTemplate } from './templates';

export interface AgentIdentity extends IdentityFacts {
  seed: number;
  platform: PlatformName;
  template: PlatformTemplate;
  /** osquery's own instance UUID (osquery_info.instance_id). */
  instanceId: string;
  osqueryPid: number;
  watcherPid: number;
  /** Uptime when the simulation starts; the agent adds elapsed time to it. */
  initialUptimeSeconds: number;
}

export type PlatformMix = ReadonlyArray<{ platform: PlatformName; weight: number }>;

export const DEFAULT_PLATFORM_MIX = 'ubuntu:40,centos:20,darwin:30,windows:10';

/** Parses "ubuntu:40,centos:20,darwin:30,windows:10" (a bare name means weight 1). */
export function parsePlatformMix(spec: string): PlatformMix {
  const mix: Array<{ platform: PlatformName; weight: number }> = [];
  for (const part of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [name, w] = part.split(':');
    const platform = name!.trim().toLowerCase() as PlatformName;
    if (!PLATFORM_NAMES.includes(platform)) throw new Error(`unknown platform "${name}" (use ${PLATFORM_NAMES.join(', ')})`);
    const weight = w === undefined ? 1 : Number(w);
    if (!Number.isFinite(weight) || weight < 0) throw new Error(`invalid weight in "${part}"`);
    if (weight > 0) mix.push({ platform, weight });
  }
  if (mix.length === 0) throw new Error(`empty platform mix: "${spec}"`);
  return mix;
}

/**
 * Platform for each agent index by smooth weighted round-robin: exact proportions over
 * every cycle of sum(weights) agents and well interleaved, so 10 agents of
 * "ubuntu:40,darwin:30,…" already look like the requested mix (random picks would not).
 */
export function assignPlatforms(mix: PlatformMix, count: number): PlatformName[] {
  const total = mix.reduce((s, m) => s + m.weight, 0);
  const current = mix.map(() => 0);
  const out: PlatformName[] = [];
  for (let i = 0; i < count; i++) {
    let best = 0;
    for (let j = 0; j < mix.length; j++) {
      current[j]! += mix[j]!.weight;
      if (current[j]! > current[best]!) best = j;
    }
    current[best]! -= total;
    out.push(mix[best]!.platform);
  }
  return out;
}

function mac(rng: Rng, oui: string): string {
  const tail = [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)].map((b) => b.toString(16).padStart(2, '0'));
  return `${oui}:${tail.join(':')}`;
}

function caseUuid(uuid: string, upper: boolean): string {
  return upper ? uuid.toUpperCase() : uuid;
}

export function createIdentity(seed: number, index: number, platform: PlatformName): AgentIdentity {
  const rng = new Rng(mixSeed(seed, index));
  const template = TEMPLATES[platform];
  const names = template.names(rng, index);
  const hardware: HardwareProfile = rng.pick(template.hardware);
  const primaryMac = mac(rng, template.macOui);
  // Second NIC: docker0/Hyper-V/awdl use locally administered addresses.
  const secondaryMac = mac(rng, `02:${rng.hex(2)}:${rng.hex(2)}`);
  const osqueryPid = rng.int(300, 30000);
  return {
    seed,
    index,
    platform,
    template,
    ...names,
    uuid: caseUuid(rng.uuid(), template.upperCaseUuid),
    instanceId: rng.uuid(),
    hardwareSerial: template.serial(rng),
    hardware,
    physicalMemory: rng.pick(hardware.memoryChoices),
    macs: [primaryMac, secondaryMac],
    ipv4: `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(2, 254)}`,
    ipv6: `2001:db8:${rng.hex(4).replace(/^0+(?=.)/, '')}:${rng.int(1, 255).toString(16)}::${rng.int(2, 4095).toString(16)}`,
    linkLocal: linkLocalFromMac(primaryMac),
    secondaryIpv4: `172.${rng.int(16, 31)}.${rng.int(0, 255)}.1`,
    osqueryPid,
    watcherPid: osqueryPid - rng.int(1, 12),
    initialUptimeSeconds: rng.int(600, 30 * 86400),
  };
}
