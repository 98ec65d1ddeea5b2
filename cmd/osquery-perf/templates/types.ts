// What a platform template provides. Shapes follow the osqueryd 4.x/5.x fixtures in
// shared/fixtures/osquery-requests (enroll-*.json, distributed-write-details-*.json).
import type { Rng } from '../rng';

export type PlatformName = 'ubuntu' | 'centos' | 'darwin' | 'windows';
export const PLATFORM_NAMES: readonly PlatformName[] = ['ubuntu', 'centos', 'darwin', 'windows'];

/** One result row as osquery sends it: every value a string. */
export type Row = Record<string, string>;

export interface HardwareProfile {
  vendor: string;
  model: string;
  version: string;
  cpuBrand: string;
  cpuType: string;
  cpuSubtype: string;
  physicalCores: number;
  logicalCores: number;
  microcode: string;
  memoryChoices: readonly number[];
  board?: { vendor: string; model: string; version: string };
  /** platform_info (firmware) values; keys differ per platform. */
  firmware: Row;
}

/** The per-agent facts a template needs (a subset of AgentIdentity, to avoid a cycle). */
export interface IdentityFacts {
  index: number;
  hostname: string;
  computerName: string;
  localHostname: string;
  uuid: string;
  hardwareSerial: string;
  hardware: HardwareProfile;
  physicalMemory: number;
  macs: readonly string[];
  ipv4: string;
  ipv6: string;
  linkLocal: string;
  secondaryIpv4: string;
}

export interface HostNames {
  hostname: string;
  computerName: string;
  localHostname: string;
}

export interface PlatformTemplate {
  name: PlatformName;
  /** osquery_info.platform_mask, also sent as enroll platform_type: POSIX=1 WINDOWS=2 BSD=4 LINUX=8 DARWIN=16. */
  platformMask: string;
  osqueryVersion: string;
  buildPlatform: string;
  buildDistro: string;
  /** Hardware UUIDs are upper case on macOS/Windows/RHEL (SMBIOS) and lower case in the Ubuntu fixture. */
  upperCaseUuid: boolean;
  /** Vendor prefix for the primary NIC. */
  macOui: string;
  hardware: readonly HardwareProfile[];
  names(rng: Rng, index: number): HostNames;
  serial(rng: Rng): string;
  /** host_details.os_version at enrolment (unnormalised, alphabetical, platform key set). */
  osVersionEnroll: Row;
  /** Row of `select * from os_version limit 1` (schema order, through SQLite). */
  osVersionRow: Row;
  /** Row of `select * from system_info limit 1`, schema order, every column. */
  systemInfoRow(f: IdentityFacts): Row;
  /** system_info columns this platform's implementation never sets (absent at enrolment). */
  systemInfoEnrollOmit: readonly string[];
  platformInfo(f: IdentityFacts): Row;
  /** Rows of the network_interface detail query, ordered by traffic like the real query. */
  networkRows(f: IdentityFacts): Row[];
}
