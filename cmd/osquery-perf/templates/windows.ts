// Windows 11 Pro 23H2 laptops, osquery 5.12.1 (fixture host W): cpu_sockets in
// system_info, no `patch` in os_version, `stats` in distributed writes, numeric status logs.
import { linkLocalFromMac, systemInfoRow } from './common';
import type { PlatformTemplate } from './types';

export const windows: PlatformTemplate = {
  name: 'windows',
  platformMask: '2',
  osqueryVersion: '5.12.1',
  buildPlatform: 'windows',
  buildDistro: '10',
  upperCaseUuid: true,
  macOui: '8c:c6:81',
  hardware: [
    {
      vendor: 'LENOVO', model: '20XW0055US', version: '-1',
      cpuBrand: '11th Gen Intel(R) Core(TM) i7-1185G7 @ 3.00GHz', cpuType: 'x86_64', cpuSubtype: '-1',
      physicalCores: 4, logicalCores: 8, microcode: '180', memoryChoices: [17179869184, 34359738368],
      firmware: { date: '2023-11-14', firmware_type: 'uefi', revision: '1.62', vendor: 'LENOVO', version: 'N32ET86W (1.62 )' },
    },
    {
      vendor: 'Dell Inc.', model: 'Latitude 7420', version: '-1',
      cpuBrand: '11th Gen Intel(R) Core(TM) i5-1145G7 @ 2.60GHz', cpuType: 'x86_64', cpuSubtype: '-1',
      physicalCores: 4, logicalCores: 8, microcode: '164', memoryChoices: [8589934592, 17179869184],
      firmware: { date: '2023-09-12', firmware_type: 'uefi', revision: '1.31', vendor: 'Dell Inc.', version: 'DELL   - 1072009' },
    },
  ],
  names(rng, index) {
    // DESKTOP-XXXXXXX like Windows setup generates; the index part keeps names unique.
    const short = `DESKTOP-${index.toString(36).toUpperCase().padStart(3, '0')}${rng.chars(4, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`;
    return { hostname: `${short}.corp.example.com`, computerName: short, localHostname: short };
  },
  serial: (rng) => rng.chars(8, '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'),
  osVersionEnroll: {
    arch: '64-bit', build: '22631', codename: 'Microsoft Windows 11 Pro', install_date: '1704215731', major: '10',
    minor: '0', name: 'Microsoft Windows 11 Pro', platform: 'windows', platform_like: 'windows', revision: '3447',
    version: '10.0.22631',
  },
  osVersionRow: {
    name: 'Microsoft Windows 11 Pro', version: '10.0.22631', major: '10', minor: '0', patch: '', build: '22631',
    platform: 'windows', platform_like: 'windows', codename: 'Microsoft Windows 11 Pro', arch: '64-bit',
    install_date: '1704215731', revision: '3447',
  },
  systemInfoRow: (f) => systemInfoRow(f, { cpuSockets: '1' }),
  systemInfoEnrollOmit: ['board_vendor', 'board_model', 'board_version', 'board_serial'],
  platformInfo: (f) => ({ ...f.hardware.firmware }),
  networkRows: (f) => [
    { address: f.ipv4, mac: f.macs[0]! },
    { address: f.linkLocal, mac: f.macs[0]! }, // Windows reports no %zone
    { address: f.secondaryIpv4, mac: f.macs[1]! }, // Hyper-V vEthernet
    { address: linkLocalFromMac(f.macs[1]!), mac: f.macs[1]! },
  ],
};
