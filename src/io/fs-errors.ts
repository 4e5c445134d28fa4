/** One wording for file-system errors in the one-line messages users see. */

/**
 * A short reason for a failed file operation: `permission denied`, `is a directory`, … `enoent`
 * words ENOENT for the operation at hand (`no such directory` when writing a new file).
 */
export function fsErrorText(err: unknown, enoent = 'no such file or directory'): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return enoent;
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a parent is not a directory';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EROFS':
      return 'read-only file system';
    default:
      return e.code ?? (e.message || 'cannot open');
  }
}
