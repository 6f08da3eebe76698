/**
 * An independent reading of fixture backups (system `tar` for tar.gz, jszip for zip, regular expressions for the
 * XML), so that fixture tests compare our parser with something that shares none of its code.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import JSZip from 'jszip';

export async function readEntryIndependently(file: string, name: string): Promise<string | undefined> {
  const bytes = readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return execFileSync('tar', ['-xzOf', file, name], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    } catch {
      return undefined;
    }
  }
  const zip = await JSZip.loadAsync(bytes);
  return zip.file(name)?.async('string');
}

export async function listEntriesIndependently(file: string): Promise<string[]> {
  const bytes = readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    return execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
  }
  const zip = await JSZip.loadAsync(bytes);
  return Object.keys(zip.files);
}

export function tagValues(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1] as string);
}

export function rootSettings(manifestXml: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /<setting>\s*<level>root<\/level>\s*<name>([^<]*)<\/name>\s*<value>([^<]*)<\/value>/g;
  for (const m of manifestXml.matchAll(re)) out[m[1] as string] = m[2] as string;
  return out;
}

/** Non-directory records of files.xml: count and total bytes. */
export function filesFacts(filesXml: string): { count: number; totalBytes: number; hashes: Set<string> } {
  let count = 0;
  let totalBytes = 0;
  const hashes = new Set<string>();
  for (const m of filesXml.matchAll(/<file id="[^"]*">([\s\S]*?)<\/file>/g)) {
    const body = m[1] as string;
    if (/<filename>\.<\/filename>/.test(body)) continue;
    count++;
    totalBytes += Number(/<filesize>(\d+)<\/filesize>/.exec(body)?.[1] ?? 0);
    hashes.add(/<contenthash>([0-9a-f]+)<\/contenthash>/.exec(body)?.[1] ?? '');
  }
  return { count, totalBytes, hashes };
}

/** Rows of mbz-public/MANIFEST.txt. */
export interface PublicFixture {
  file: string;
  container: string;
  moodleRelease: string;
  backupRelease: string;
  type: string;
  mode: string;
  users: string;
  anonymize: string;
  entries: number;
  blobs: number;
  modules: string[];
}

export function readPublicManifest(path: string): PublicFixture[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const c = line.split(' | ').map((s) => s.trim());
      const [type, mode] = (c[9] as string).split('/mode=');
      const settings = Object.fromEntries((c[10] as string).split(' ').map((kv) => kv.split('=')));
      return {
        file: c[0] as string,
        container: c[6] as string,
        moodleRelease: c[7] as string,
        backupRelease: c[8] as string,
        type: type as string,
        mode: mode as string,
        users: settings.users as string,
        anonymize: settings.anonymize as string,
        entries: Number(c[11]),
        blobs: Number(c[12]),
        modules: (c[13] as string).split(','),
      };
    });
}
