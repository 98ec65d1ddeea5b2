// CentOS 7.9 KVM guest, osquery 4.5.1 (fixture host C). osquery reports platform "rhel"
// on CentOS 7 (redhat-release wins), so only `name like '%centos%'` identifies it.
import { LOOPBACK_MAC, systemInfoRow } from './common';
import type { PlatformTemplate } from './types';

export const centos: PlatformTemplate = {
  name: 'centos',
  platformMask: '9',
  osqueryVersion: '4.5.1',
  buildPlatform: 'linux',
  buildDistro: 'centos7',
  upperCaseUuid: true,
  macOui: '52:54:00',
  hardware: [
    {
      vendor: 'QEMU', model: 'Standard PC (i440FX + PIIX, 1996)', version: 'pc-i440fx-5.2',
      cpuBrand: 'Intel Xeon Processor (Cascadelake)', cpuType: 'x86_64', cpuSubtype: '85',
      physicalCores: 4, logicalCores: 4, microcode: '0x1', memoryChoices: [4100681728, 8201367552, 16402735104],
      firmware: { address: '0xe800', date: '04/01/2014', extra: '', revision: '0.0', size: '65536', vendor: 'SeaBIOS', version: '1.14.0-2', volume_size: '0' },
    },
    {
      vendor: 'QEMU', model: 'Standard PC (Q35 + ICH9, 2009)', version: 'pc-q35-5.2',
      cpuBrand: 'AMD EPYC-Rome Processor', cpuType: 'x86_64', cpuSubtype: '49',
      physicalCores: 2, logicalCores: 2, microcode: '0x1000065', memoryChoices: [2050420736, 4100681728],
      firmware: { address: '0xe800', date: '04/01/2014', extra: '', revision: '0.0', size: '65536', vendor: 'SeaBIOS', version: '1.14.0-2', volume_size: '0' },
    },
  ],
  names(rng, index) {
    const role = rng.pick(['db', 'cache', 'batch', 'mq', 'ldap']);
    const fqdn = `${role}-${String(index).padStart(4, '0')}-${rng.hex(4)}.int.example.com`;
    return { hostname: fqdn, computerName: fqdn, localHostname: fqdn };
  },
  serial: () => '', // KVM guests report no serial
  osVersionEnroll: {
    _id: '7', arch: 'x86_64', build: '', major: '7', minor: '9', name: 'CentOS Linux', patch: '2009',
    pid_with_namespace: '0', platform: 'rhel', platform_like: 'rhel', version: 'CentOS Linux release 7.9.2009 (Core)',
  },
  osVersionRow: {
    name: 'CentOS Linux', version: 'CentOS Linux release 7.9.2009 (Core)', major: '7', minor: '9', patch: '2009',
    build: '', platform: 'rhel', platform_like: 'rhel', codename: '', arch: 'x86_64',
  },
  systemInfoRow: (f) => systemInfoRow(f),
  systemInfoEnrollOmit: ['board_vendor', 'board_model', 'board_version', 'board_serial'],
  platformInfo: (f) => ({ ...f.hardware.firmware }),
  networkRows: (f) => [
    { address: f.ipv4, mac: f.macs[0]! },
    { address: `${f.linkLocal}%eth0`, mac: f.macs[0]! },
    { address: '127.0.0.1', mac: LOOPBACK_MAC },
    { address: '::1', mac: LOOPBACK_MAC },
  ],
};
