/**
 * An independent reading of fixture backups (system `tar` for tar.gz, jszip for zip, regular expressions for the
 * XML), so that fixture tests compare our parser with something that shares none of its code.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';

/** An archive as GNU tar (tar.gz) or jszip (zip) sees it: its entries, and each file's content as text. */
export interface IndependentArchive {
  format: 'zip' | 'tar.gz';
  /** Entries in archive order, names without a leading `./`; the root folder `./` left out. */
  entries: { name: string; kind: 'file' | 'directory' | 'link'; size: number; linkTarget?: string }[];
  read(name: string): string | undefined;
}

const opened = new Map<string, Promise<IndependentArchive>>();

/** The archive at `file`, read once by tools that share no code with ours. */
export function readIndependently(file: string): Promise<IndependentArchive> {
  let archive = opened.get(file);
  if (!archive) {
    archive = open(file);
    opened.set(file, archive);
  }
  return archive;
}

async function open(file: string): Promise<IndependentArchive> {
  const bytes = readFileSync(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const dir = mkdtempSync(join(tmpdir(), 'mts-oracle-'));
    try {
      execFileSync('tar', ['-xzf', file, '-C', dir], { stdio: 'ignore' });
      const listing = execFileSync('tar', ['-tzvf', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
      const contents = new Map<string, string>();
      const entries: IndependentArchive['entries'] = [];
      const sizes = new Map<string, number>();
      for (const line of listing) {
        const m = /^(\S)\S*\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(.*?)(?: link to (.*))?$/.exec(line);
        if (!m) throw new Error(`unexpected tar listing line: ${line}`);
        const name = (m[3] as string).replace(/^(\.\/)+/, '');
        if (name === '' || name === '.') continue;
        if (m[1] === 'h') {
          const target = (m[4] as string).replace(/^(\.\/)+/, '');
          entries.push({ name, kind: 'link', size: sizes.get(target) ?? 0, linkTarget: target });
        } else if (m[1] === 'd')
          entries.push({ name: name.endsWith('/') ? name : `${name}/`, kind: 'directory', size: 0 });
        else {
          entries.push({ name, kind: 'file', size: Number(m[2]) });
          sizes.set(name, Number(m[2]));
          contents.set(name, readFileSync(join(dir, name), 'utf8'));
        }
      }
      return { format: 'tar.gz', entries, read: (name) => contents.get(name) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const zip = await JSZip.loadAsync(bytes);
  const contents = new Map<string, string>();
  const entries: IndependentArchive['entries'] = [];
  for (const [name, entry] of Object.entries(zip.files)) {
    if (entry.dir) {
      entries.push({ name, kind: 'directory', size: 0 });
      continue;
    }
    const content = await entry.async('nodebuffer');
    entries.push({ name, kind: 'file', size: content.length });
    contents.set(name, content.toString('utf8'));
  }
  return { format: 'zip', entries, read: (name) => contents.get(name) };
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

/** Whether `.ARCHIVE_INDEX` lists exactly the archive's other entries with their sizes, by GNU tar's reading. */
export function indexMatches(archive: IndependentArchive): boolean | null {
  const text = archive.read('.ARCHIVE_INDEX');
  if (text === undefined) return null;
  const lines = text.split('\n').filter(Boolean);
  const declared = Number(/Count: (\d+)/.exec(lines[0] ?? '')?.[1]);
  const listed = new Map<string, number>();
  for (const line of lines.slice(1)) {
    const [name, kind, size] = line.split('\t') as [string, string, string];
    listed.set(kind === 'd' && !name.endsWith('/') ? `${name}/` : name, kind === 'd' ? -1 : Number(size));
  }
  const actual = new Map<string, number>();
  for (const e of archive.entries) {
    if (e.name !== '.ARCHIVE_INDEX') actual.set(e.name, e.kind === 'directory' ? -1 : e.size);
  }
  if (declared !== lines.length - 1 || listed.size !== actual.size) return false;
  for (const [name, size] of listed) if (actual.get(name) !== size) return false;
  return true;
}
