import { checkXml, decodeText, NULL_MARKER } from './xml.js';

/** One record of `files.xml`: a file of the course as Moodle's file API knew it. Ids stay strings. */
export interface BackupFileRecord {
  id: string;
  contenthash: string;
  contextid: string;
  component: string;
  filearea: string;
  itemid: string;
  /** Folder inside the file area, starting and ending with `/`. */
  filepath: string;
  /** File name; `.` marks a directory record, which has no content. */
  filename: string;
  userid: string | null;
  filesize: number;
  mimetype: string | null;
  status: string;
  timecreated: string;
  timemodified: string;
  source: string | null;
  author: string | null;
  license: string | null;
  sortorder: string;
  repositorytype: string | null;
  repositoryid: string | null;
  reference: string | null;
}

/** Counts and bytes of one group of files. */
export interface FileTally {
  count: number;
  bytes: number;
}

/** Summary of `files.xml` (directory records excluded). */
export interface FilesSummary {
  /** File records that are not directories. */
  count: number;
  /** Sum of their sizes (a blob shared by two records counts twice, as it does once restored). */
  totalBytes: number;
  /** Distinct blobs (content hashes) they need. */
  blobs: number;
  /** Bytes of those distinct blobs: what the `files/` folder of the archive should hold. */
  blobBytes: number;
  /** Directory records (`filename` = `.`). */
  directories: number;
  byComponent: Record<string, FileTally>;
  byMimetype: Record<string, FileTally>;
}

export const FILES_XML_PATH = 'files.xml';

/** Where the content of a file lives inside the archive: `files/<first 2 hex>/<contenthash>`. */
export function blobPath(contenthash: string): string {
  return `files/${contenthash.slice(0, 2)}/${contenthash}`;
}

/** True for the records Moodle writes for folders (they have no blob). */
export function isDirectoryRecord(record: BackupFileRecord): boolean {
  return record.filename === '.';
}

/**
 * Parses `files.xml` into records.
 *
 * @example
 * ```ts
 * const records = parseFilesXml(await readFile('files.xml'));
 * console.log(summariseFiles(records).totalBytes);
 * ```
 */
export function parseFilesXml(content: Buffer | string, path = FILES_XML_PATH): BackupFileRecord[] {
  // files.xml can hold tens of thousands of flat records: once the document is known to be well-formed, the
  // records are read with a scanner about ten times faster than building a generic tree.
  const text = checkXml(content, path);
  const records: BackupFileRecord[] = [];
  for (const match of text.matchAll(FILE_RECORD)) records.push(toRecord(match[1] ?? '', match[2] ?? ''));
  return records;
}

const FILE_RECORD = /<file\s+id="([^"]*)"\s*>([\s\S]*?)<\/file>/g;
const LEAF = /<([A-Za-z_][\w.-]*)\s*(?:\/>|>([^<]*)<\/\1\s*>)/g;

function toRecord(id: string, body: string): BackupFileRecord {
  const fields: Record<string, string | null> = {};
  for (const leaf of body.matchAll(LEAF)) {
    const raw = (leaf[2] ?? '').trim();
    fields[leaf[1] as string] = raw === NULL_MARKER ? null : decodeText(raw);
  }
  const text = (name: string) => fields[name] ?? '';
  const nullable = (name: string) => fields[name] ?? null;
  const size = Number(text('filesize'));
  return {
    id: decodeText(id),
    contenthash: text('contenthash'),
    contextid: text('contextid'),
    component: text('component'),
    filearea: text('filearea'),
    itemid: text('itemid'),
    filepath: text('filepath'),
    filename: text('filename'),
    userid: nullable('userid'),
    filesize: Number.isFinite(size) && size >= 0 ? size : 0,
    mimetype: nullable('mimetype'),
    status: text('status'),
    timecreated: text('timecreated'),
    timemodified: text('timemodified'),
    source: nullable('source'),
    author: nullable('author'),
    license: nullable('license'),
    sortorder: text('sortorder'),
    repositorytype: nullable('repositorytype'),
    repositoryid: nullable('repositoryid'),
    reference: nullable('reference'),
  };
}

/** Tallies records by component and mime type, leaving directory records out. */
export function summariseFiles(records: readonly BackupFileRecord[]): FilesSummary {
  const summary: FilesSummary = {
    count: 0,
    totalBytes: 0,
    blobs: 0,
    blobBytes: 0,
    directories: 0,
    byComponent: {},
    byMimetype: {},
  };
  const seen = new Set<string>();
  for (const record of records) {
    if (isDirectoryRecord(record)) {
      summary.directories++;
      continue;
    }
    summary.count++;
    summary.totalBytes += record.filesize;
    if (!seen.has(record.contenthash)) {
      seen.add(record.contenthash);
      summary.blobs++;
      summary.blobBytes += record.filesize;
    }
    tally(summary.byComponent, record.component, record.filesize);
    tally(summary.byMimetype, record.mimetype ?? 'unknown', record.filesize);
  }
  return summary;
}

function tally(into: Record<string, FileTally>, key: string, bytes: number): void {
  const entry = into[key] ?? { count: 0, bytes: 0 };
  entry.count++;
  entry.bytes += bytes;
  into[key] = entry;
}

/** The original name of a file: `component/filearea/itemid/filepath/filename`, as `restoreFile` accepts it. */
export function originalName(record: BackupFileRecord): string {
  return `${record.component}/${record.filearea}/${record.itemid}${record.filepath}${record.filename}`;
}
