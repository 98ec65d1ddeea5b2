// Plain-words reasons for the file errors an operator can fix (wrong path, permissions, disk).
import { dirname } from 'node:path';

export function describeFsError(err: unknown, path: string): string {
  const e = err as NodeJS.ErrnoException | undefined;
  switch (e?.code) {
    case 'ENOENT':
      return `directory ${dirname(path)} does not exist`;
    case 'ENOTDIR':
      return `a parent of ${path} is not a directory`;
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return `${path} is a directory`;
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on device';
    default:
      return e?.message ?? String(err);
  }
}
