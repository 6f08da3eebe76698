import { at, MbzUnsafeEntryError } from '../errors.js';

const SEGMENT = '(?!\\.\\.?(?:/|$))[^/\\\\\\0]+';
const NORMAL_AND_SAFE = new RegExp(`^(?![A-Za-z]:)${SEGMENT}(?:/${SEGMENT})*/?$`);

/**
 * Normalises an archive entry name to its plain relative form (`activities/forum_5/forum.xml`, directories with
 * a trailing slash) and refuses names that could escape a folder: absolute paths, drive letters, `..` segments,
 * backslashes and NUL bytes.
 */
export function normaliseEntryName(raw: string): string {
  // Nearly every name is already normal and safe: relative, segments neither empty, `.` nor `..`, no backslash,
  // NUL or drive letter. One test answers for those; the checks below name what is wrong with the others.
  if (NORMAL_AND_SAFE.test(raw)) return raw;
  if (raw.includes('\0')) {
    throw new MbzUnsafeEntryError(
      'mbz.unsafe_path',
      'An entry name contains a NUL byte.',
      at(raw.replace(/\0/g, '\\0')),
    );
  }
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw) || raw.startsWith('\\')) {
    throw new MbzUnsafeEntryError('mbz.unsafe_path', `Entry "${raw}" has an absolute path.`, {
      ...at(raw),
      hint: 'Archives only hold relative paths; this one was crafted or repacked wrongly. Do not extract it.',
    });
  }
  if (raw.includes('\\')) {
    throw new MbzUnsafeEntryError('mbz.unsafe_path', `Entry "${raw}" uses backslashes in its path.`, {
      ...at(raw),
      hint: 'Zip entries must use "/" separators; this archive was written by a non-conforming tool.',
    });
  }
  let name = raw;
  while (name.startsWith('./')) name = name.slice(2);
  const segments = name.split('/');
  if (segments.some((segment) => segment === '..')) {
    throw new MbzUnsafeEntryError('mbz.unsafe_path', `Entry "${raw}" climbs out of the archive with "..".`, {
      ...at(raw),
      hint: 'This is a zip-slip attempt or a damaged archive. Do not extract it.',
    });
  }
  return segments
    .filter((segment, i) => segment !== '.' && (segment !== '' || i === segments.length - 1))
    .join('/');
}
