import { checkFile, checkFolders, formatViolations } from './import-rules';

describe('layering (ARCHITECTURE.md)', () => {
  it('keeps service/ and internal/ free of HTTP, sockets, the ORM and outer folders', () => {
    const { files, violations } = checkFolders(['service', 'internal']);
    expect(files.length).toBeGreaterThan(0); // the scan found the code, so a pass means something
    // Printed as file:line so the failure says exactly what to fix.
    expect(formatViolations(violations)).toBe('');
  });
});

// The checker itself, so the real scan cannot pass by missing imports.
describe('import checker', () => {
  const lines = (file: string, source: string) =>
    checkFile(file, source).map((v) => `${v.file}:${v.line} ${v.specifier}`);

  it('finds every import form and reports its line', () => {
    const source = [
      "import express from 'express';", // 1
      "import type { Request } from 'express';", // 2
      'import {', // 3
      '  WebSocket,',
      "} from 'ws';", // 5
      "export { x } from '../transport/http/app';", // 6
      "const pg = require('pg');", // 7
      "const t = import('typeorm');", // 8
      "import '../datastore/inmem/x';", // 9
      "import { y } from 'sockjs';", // 10
      "import { Router } from 'express/lib/router';", // 11
    ].join('\n');
    expect(lines('service/a.service.ts', source)).toEqual([
      'service/a.service.ts:1 express',
      'service/a.service.ts:2 express',
      'service/a.service.ts:5 ws',
      'service/a.service.ts:6 ../transport/http/app',
      'service/a.service.ts:7 pg',
      'service/a.service.ts:8 typeorm',
      'service/a.service.ts:9 ../datastore/inmem/x',
      'service/a.service.ts:10 sockjs',
      'service/a.service.ts:11 express/lib/router',
    ]);
  });

  it('resolves relative paths from the importing file', () => {
    expect(lines('internal/fleet/a.ts', "import { b } from '../../cmd/fleet/main';")).toEqual(['internal/fleet/a.ts:1 ../../cmd/fleet/main']);
    expect(lines('internal/config/a.ts', "import { S } from '../../service/users.service';")).toEqual([
      'internal/config/a.ts:1 ../../service/users.service',
    ]);
    // A folder merely named like a layer, inside internal/, is fine.
    expect(lines('internal/a/b.ts', "import { c } from '../transport/c';")).toEqual([]);
  });

  it('allows what the layers may use', () => {
    const source = [
      "import { readFileSync } from 'node:fs';",
      "import { injectable } from 'inversify';",
      "import type { User } from '../internal/fleet';",
      "import { pgFormat } from 'pg-format-like';",
      "import { wsx } from 'wsx';",
      '// import express from "express";',
    ].join('\n');
    expect(lines('service/users.service.ts', source)).toEqual([]);
    expect(lines('service/x.ts', "import { c } from '../internal/clock';")).toEqual([]);
  });

  it('lets service/ import service/ but not internal/ import service/', () => {
    expect(lines('service/a.ts', "import { b } from './b';")).toEqual([]);
    expect(lines('internal/a.ts', "import { b } from '../service/b';")).toHaveLength(1);
  });
});
