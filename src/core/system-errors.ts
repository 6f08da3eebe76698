/**
 * Errors the operating system raises about what a person asked for (a path that does not exist, a directory where
 * a file belongs, a port already taken), turned into coded errors that name the path or port and say what to do.
 * They are mistakes of input, not bugs, and must never be reported as such.
 */
import { InputError } from './errors.js';

/** The fields node puts on an error from a system call. */
interface SystemErrorLike {
  code: string;
  syscall?: string;
  path?: string;
  dest?: string;
  address?: string;
  port?: number;
}

/** True for an error node raised from a system call (`ENOENT` from `open`, `EADDRINUSE` from `listen`...). */
export function isSystemError(error: unknown): error is Error & SystemErrorLike {
  if (!(error instanceof Error)) return false;
  const { code, syscall } = error as Partial<SystemErrorLike>;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) && typeof syscall === 'string';
}

interface Explanation {
  code: string;
  message: string;
  hint: string;
}

type PathExplainer = { code: string; message: (path: string, where: string) => string; hint: string };

/** What a failed file operation means, by errno. `where` says what a relative path is relative to. */
const PATH_ERRORS: Readonly<Record<string, PathExplainer>> = {
  ENOENT: {
    code: 'os.not_found',
    message: (path, where) => `${path} does not exist${where}.`,
    hint: 'Check the spelling of the path; relative paths start from the current directory.',
  },
  EISDIR: {
    code: 'os.is_directory',
    message: (path) => `${path} is a directory, where a file was expected.`,
    hint: 'Give the path of a file (inside that directory, perhaps).',
  },
  ENOTDIR: {
    code: 'os.not_directory',
    message: (path) => `A part of ${path} is a file, where a directory was expected.`,
    hint: 'Check each folder of the path; one of them is a file.',
  },
  EACCES: {
    code: 'os.permission_denied',
    message: (path) => `Permission denied: ${path}.`,
    hint: 'Check the permissions of the file and its folders (`ls -ld`), or choose a path you may use.',
  },
  EEXIST: {
    code: 'os.already_exists',
    message: (path) => `${path} already exists.`,
    hint: 'Remove it first, or choose another path.',
  },
  ENOTEMPTY: {
    code: 'os.not_empty',
    message: (path) => `${path} is a directory that is not empty.`,
    hint: 'Choose an empty or new directory.',
  },
  ENOSPC: {
    code: 'os.no_space',
    message: (path) => `No space left to write ${path}.`,
    hint: 'Free some space on that disk (`df -h`), or write somewhere else.',
  },
  EROFS: {
    code: 'os.read_only',
    message: (path) => `${path} is on a read-only file system.`,
    hint: 'Write somewhere else.',
  },
  ENAMETOOLONG: {
    code: 'os.name_too_long',
    message: (path) => `The path ${path.slice(0, 120)}… is too long.`,
    hint: 'Use a shorter path.',
  },
  ELOOP: {
    code: 'os.symlink_loop',
    message: (path) => `${path} leads into a loop of symbolic links.`,
    hint: 'Fix the links (`ls -l` shows where each one points).',
  },
  EMFILE: {
    code: 'os.too_many_open_files',
    message: (path) => `Too many files are open to open ${path}.`,
    hint: 'Raise the limit (`ulimit -n`) or close other programs.',
  },
};
const SAME_AS: Readonly<Record<string, string>> = { EPERM: 'EACCES', EDQUOT: 'ENOSPC', ENFILE: 'EMFILE' };

function explainPath(errno: string, path: string | undefined, cwd: string): Explanation | undefined {
  const known = PATH_ERRORS[SAME_AS[errno] ?? errno];
  if (!known) return undefined;
  // a read on an open file names no path: say "the path given", which is still the person's own input
  const where = path === undefined || path.startsWith('/') ? '' : ` (relative to ${cwd})`;
  const message =
    path === undefined ? known.message('the path given', '').replace(/^t/, 'T') : known.message(path, where);
  return { code: known.code, message, hint: known.hint };
}

function explainListen(errno: string, address: string, port: number | undefined): Explanation | undefined {
  const at = port === undefined ? address : `${address}:${port}`;
  switch (errno) {
    case 'EADDRINUSE':
      return {
        code: 'os.address_in_use',
        message: `Port ${port ?? '?'} on ${address} is already in use.`,
        hint: 'Choose another port, or leave it out to take a free one; `ss -ltnp` shows what listens where.',
      };
    case 'EACCES':
    case 'EPERM':
      return {
        code: 'os.port_not_allowed',
        message: `Not allowed to listen on ${at}.`,
        hint: 'Ports below 1024 need privileges: choose a port from 1024 to 65535.',
      };
    case 'EADDRNOTAVAIL':
      return {
        code: 'os.address_not_available',
        message: `${address} is not an address of this machine.`,
        hint: 'Listen on 127.0.0.1, or on an address this machine has (`ip addr`).',
      };
    default:
      return undefined;
  }
}

/**
 * The coded error for a system error about the caller's own input, or undefined when `error` is not one (a bug,
 * or a network failure, which the transport reports in its own terms). The original error is kept as `cause`.
 *
 * @example
 * ```ts
 * try { await readFile(path); }
 * catch (e) { throw fromSystemError(e) ?? e; } // os.not_found: "notes.csv does not exist (relative to /home/ann)."
 * ```
 */
export function fromSystemError(error: unknown, cwd: string = process.cwd()): InputError | undefined {
  if (!isSystemError(error)) return undefined;
  const { code: errno, syscall, path, address, port } = error;
  let explained: Explanation | undefined;
  if (syscall === 'listen' || syscall === 'bind')
    explained = explainListen(errno, address ?? 'localhost', port);
  else explained = explainPath(errno, path, cwd);
  if (!explained) return undefined;
  return new InputError(explained.code, explained.message, {
    hint: explained.hint,
    cause: error,
    details: {
      errno,
      syscall,
      ...(path !== undefined ? { path } : {}),
      ...(port !== undefined ? { port } : {}),
    },
  });
}
