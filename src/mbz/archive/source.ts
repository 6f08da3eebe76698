import { open } from 'node:fs/promises';
import { InputError } from '../../core/errors.js';
import { MbzFormatError } from '../errors.js';
import type { BackupFormat, BackupSource } from './types.js';

/** Reads the first bytes of a source (at most `length`). */
export async function readHead(source: BackupSource, length: number): Promise<Buffer> {
  if (typeof source !== 'string') return Buffer.from(source.subarray(0, length));
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(source, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(
      code === 'ENOENT' ? 'mbz.file_not_found' : 'mbz.file_unreadable',
      code === 'ENOENT' ? `No such file: ${source}.` : `Cannot read ${source} (${code ?? 'error'}).`,
      { cause: error, details: { path: source } },
    );
  }
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** A short label of the source for messages. */
export function describeSource(source: BackupSource): string {
  return typeof source === 'string' ? source : `<${source.byteLength} bytes in memory>`;
}

/**
 * Tells the packing from the first bytes (gzip magic `1f 8b`, zip `PK\3\4` or `PK\5\6`), never from the name,
 * since both are named `.mbz`.
 */
export function detectFormat(head: Uint8Array, label: string): BackupFormat {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5))
    return 'zip';
  const isTar = head.length >= 262 && Buffer.from(head.subarray(257, 262)).toString('latin1') === 'ustar';
  throw new MbzFormatError(
    'mbz.not_an_archive',
    head.length === 0 ? `${label} is empty.` : `${label} is neither a zip nor a gzip-compressed tar archive.`,
    {
      hint: isTar
        ? 'It is an uncompressed tar: compress it with gzip (only .tar.gz and .zip archives are read).'
        : 'Expected a zip or a .tar.gz file; check that the download completed.',
      details: { path: label },
    },
  );
}
