// macOS 10.15.7 on Intel Macs, osquery 4.7.0 (fixture host M).
import { LOOPBACK_MAC, linkLocalFromMac, systemInfoRow } from './common';
import type { PlatformTemplate } from './types';

const OWNERS = ['Jordan', 'Alex', 'Sam', 'Robin', 'Casey', 'Morgan', 'Taylor', 'Jamie', 'Riley', 'Avery'];

const appleFirmware = (version: string, date: string) => ({
  address: '0xffb20000', date: `${date} `,
  extra: `MBP161; ${version}; root@fixture-builder; Wed Oct 28 20:11:43 PDT 2020; 1554.80.3 (B&I); F000_B00; Official Build, Release; Apple clang version 12.0.0 (clang-1200.0.30.4)`,
  revision: '1554.80.3 (B&I)', size: '8388608', vendor: 'Apple Inc. ',
  version: `${version} (iBridge: 18.16.13030.0.0,0) `, volume_size: '1507328',
});

export const darwin: PlatformTemplate = {
  name: 'darwin',
  platformMask: '21',
  osqueryVersion: '4.7.0',
  buildPlatform: 'darwin',
  buildDistro: '10.12',
  upperCaseUuid: true,
  macOui: '3c:22:fb',
  hardware: [
    {
      vendor: 'Apple Inc.', model: 'MacBookPro16,1', version: '1.0',
      cpuBrand: 'Intel(R) Core(TM) i9-9880H CPU @ 2.30GHz', cpuType: 'x86_64h', cpuSubtype: 'Intel x86-64h Haswell',
      physicalCores: 8, logicalCores: 16, microcode: '', memoryChoices: [17179869184, 34359738368],
      firmware: appleFirmware('1554.80.3.0.0', '10/28/2020'),
    },
    {
      vendor: 'Apple Inc.', model: 'MacBookPro15,2', version: '1.0',
      cpuBrand: 'Intel(R) Core(TM) i5-8279U CPU @ 2.40GHz', cpuType: 'x86_64h', cpuSubtype: 'Intel x86-64h Haswell',
      physicalCores: 4, logicalCores: 8, microcode: '', memoryChoices: [8589934592, 17179869184],
      firmware: appleFirmware('1554.80.3.0.0', '10/28/2020'),
    },
    {
      vendor: 'Apple Inc.', model: 'Macmini8,1', version: '1.0',
      cpuBrand: 'Intel(R) Core(TM) i7-8700B CPU @ 3.20GHz', cpuType: 'x86_64h', cpuSubtype: 'Intel x86-64h Haswell',
      physicalCores: 6, logicalCores: 12, microcode: '', memoryChoices: [17179869184, 68719476736],
      firmware: appleFirmware('1554.80.3.0.0', '10/28/2020'),
    },
  ],
  names(rng, index) {
    const owner = rng.pick(OWNERS);
    const local = `${owner}s-MacBook-Pro-${index}`;
    // macOS computer names use a typographic apostrophe (non-ASCII on the wire).
    return { hostname: `${local}.local`, computerName: `${owner}\u2019s MacBook Pro ${index}`, localHostname: local };
  },
  serial: (rng) => `C02${rng.chars(9, '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ')}`,
  osVersionEnroll: {
    arch: 'x86_64', build: '19H524', major: '10', minor: '15', name: 'Mac OS X', patch: '7',
    platform: 'darwin', platform_like: 'darwin', version: '10.15.7',
  },
  osVersionRow: {
    name: 'Mac OS X', version: '10.15.7', major: '10', minor: '15', patch: '7', build: '19H524',
    platform: 'darwin', platform_like: 'darwin', codename: '', arch: 'x86_64',
  },
  systemInfoRow: (f) => systemInfoRow(f),
  systemInfoEnrollOmit: ['board_vendor', 'board_model', 'board_version', 'board_serial', 'cpu_microcode'],
  platformInfo: (f) => ({ ...f.hardware.firmware }),
  networkRows: (f) => [
    { address: f.ipv4, mac: f.macs[0]! },
    { address: `${f.linkLocal}%en0`, mac: f.macs[0]! },
    { address: '127.0.0.1', mac: LOOPBACK_MAC },
    { address: '::1', mac: LOOPBACK_MAC },
    { address: 'fe80::1%lo0', mac: LOOPBACK_MAC },
    { address: `${linkLocalFromMac(f.macs[1]!)}%awdl0`, mac: f.macs[1]! },
    { address: `fe80::${f.uuid.slice(0, 4).toLowerCase()}:${f.uuid.slice(4, 8).toLowerCase()}%utun0`, mac: LOOPBACK_MAC },
  ],
};
