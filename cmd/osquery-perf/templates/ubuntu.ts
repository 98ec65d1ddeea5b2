// Ubuntu 20.04 on Dell hardware, osquery 4.6.0 (fixture host U).
import { LOOPBACK_MAC, systemInfoRow } from './common';
import type { PlatformTemplate } from './types';

export const ubuntu: PlatformTemplate = {
  name: 'ubuntu',
  platformMask: '9',
  osqueryVersion: '4.6.0',
  buildPlatform: 'linux',
  buildDistro: 'centos7',
  upperCaseUuid: false,
  macOui: 'b0:7b:25',
  hardware: [
    {
      vendor: 'Dell Inc.', model: 'OptiPlex 7080', version: '',
      cpuBrand: 'Intel(R) Core(TM) i7-10700 CPU @ 2.90GHz', cpuType: 'x86_64', cpuSubtype: '165',
      physicalCores: 8, logicalCores: 16, microcode: '0xe0', memoryChoices: [17179869184, 33446428672],
      board: { vendor: 'Dell Inc.', model: '0M5DCF', version: 'A01' },
      firmware: { address: '0xf000', date: '12/14/2020', extra: '', revision: '1.6', size: '16777216', vendor: 'Dell Inc.', version: '1.6.0', volume_size: '0' },
    },
    {
      vendor: 'Dell Inc.', model: 'PowerEdge R640', version: '',
      cpuBrand: 'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz', cpuType: 'x86_64', cpuSubtype: '85',
      physicalCores: 20, logicalCores: 40, microcode: '0x5003006', memoryChoices: [68719476736, 137438953472],
      board: { vendor: 'Dell Inc.', model: '0H28RR', version: 'A02' },
      firmware: { address: '0xf0000', date: '11/19/2020', extra: '', revision: '2.10', size: '33554432', vendor: 'Dell Inc.', version: '2.10.0', volume_size: '0' },
    },
  ],
  names(rng, index) {
    const role = rng.pick(['ci-runner', 'web', 'app', 'build', 'k8s-node']);
    const short = `${role}-${String(index).padStart(4, '0')}-${rng.hex(4)}`;
    return { hostname: short, computerName: short, localHostname: short };
  },
  serial: (rng) => rng.chars(7, '0123456789BCDFGHJKLMNPQRSTVWXYZ'),
  osVersionEnroll: {
    _id: '20.04', arch: 'x86_64', codename: 'focal', major: '20', minor: '04', name: 'Ubuntu', patch: '0',
    pid_with_namespace: '0', platform: 'ubuntu', platform_like: 'debian', version: '20.04.2 LTS (Focal Fossa)',
  },
  osVersionRow: {
    name: 'Ubuntu', version: '20.04.2 LTS (Focal Fossa)', major: '20', minor: '4', patch: '0', build: '',
    platform: 'ubuntu', platform_like: 'debian', codename: 'focal', arch: 'x86_64',
  },
  systemInfoRow: (f) => systemInfoRow(f),
  systemInfoEnrollOmit: [],
  platformInfo: (f) => ({ ...f.hardware.firmware }),
  networkRows: (f) => [
    { address: '127.0.0.1', mac: LOOPBACK_MAC },
    { address: '::1', mac: LOOPBACK_MAC },
    { address: f.ipv6, mac: f.macs[0]! },
    { address: f.ipv4, mac: f.macs[0]! },
    { address: `${f.linkLocal}%eno1`, mac: f.macs[0]! },
    { address: f.secondaryIpv4, mac: f.macs[1]! }, // docker0
  ],
};
