// Helpers shared by the platform templates.
import type { HardwareProfile, IdentityFacts, Row } from './types';

/** Schema order of system_info columns before/after osquery 5.12 added cpu_sockets. */
export function systemInfoRow(f: IdentityFacts, opts: { cpuSockets?: string } = {}): Row {
  const hw: HardwareProfile = f.hardware;
  const row: Row = {
    hostname: f.hostname,
    uuid: f.uuid,
    cpu_type: hw.cpuType,
    cpu_subtype: hw.cpuSubtype,
    cpu_brand: hw.cpuBrand,
    cpu_physical_cores: String(hw.physicalCores),
    cpu_logical_cores: String(hw.logicalCores),
  };
  if (opts.cpuSockets !== undefined) row.cpu_sockets = opts.cpuSockets;
  Object.assign(row, {
    cpu_microcode: hw.microcode,
    physical_memory: String(f.physicalMemory),
    hardware_vendor: hw.vendor,
    hardware_model: hw.model,
    hardware_version: hw.version,
    hardware_serial: f.hardwareSerial,
    board_vendor: hw.board?.vendor ?? '',
    board_model: hw.board?.model ?? '',
    board_version: hw.board?.version ?? '',
    board_serial: hw.board ? `/${f.hardwareSerial}/CN${f.uuid.replace(/-/g, '').slice(0, 12).toUpperCase()}/` : '',
    computer_name: f.computerName,
    local_hostname: f.localHostname,
  });
  return row;
}

/** Copy of `row` with keys sorted, as osquery's std::map emits enroll host_details. */
export function sortedRow(row: Row, omit: readonly string[] = []): Row {
  const out: Row = {};
  for (const k of Object.keys(row).sort()) if (!omit.includes(k)) out[k] = row[k]!;
  return out;
}

/** CPUID brand strings are 48 bytes NUL-padded; enroll host_details keep the padding. */
export function padCpuBrand(brand: string): string {
  return brand.length >= 48 ? brand : brand + '\u0000'.repeat(48 - brand.length);
}

/** An EUI-64 link-local address derived from a MAC (what SLAAC would produce). */
export function linkLocalFromMac(mac: string): string {
  const b = mac.split(':').map((x) => parseInt(x, 16));
  b[0] = b[0]! ^ 0x02;
  const words = [(b[0]! << 8) | b[1]!, (b[2]! << 8) | 0xff, (0xfe << 8) | b[3]!, (b[4]! << 8) | b[5]!];
  return `fe80::${words.map((w) => w.toString(16)).join(':')}`;
}

export const LOOPBACK_MAC = '00:00:00:00:00:00';
