import { NULL_MARKER } from './xml.js';
import { scanXml } from './xml-scan.js';

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
  // files.xml can hold tens of thousands of flat records: they are built straight from the scanner's events
  // (<files><file id><field>text</field>...</file></files>) instead of through a generic tree.
  const records: BackupFileRecord[] = [];
  let depth = 0;
  let id = '';
  let fields: Record<string, string | null> = {};
  let text = '';
  scanXml(content, path, {
    open(name, attributes) {
      depth++;
      if (depth === 2 && name === 'file') {
        id = attributes?.id ?? '';
        fields = Object.create(null) as Record<string, string | null>;
      }
      text = '';
    },
    text(value) {
      text += value;
    },
    leaf(name, value) {
      if (depth === 2) fields[name] = value === NULL_MARKER ? null : value;
    },
    close(name) {
      if (depth === 3) fields[name] = text === NULL_MARKER ? null : text;
      else if (depth === 2 && name === 'file') records.push(toRecord(id, fields));
      text = '';
      depth--;
    },
  });
  return records;
}

function toRecord(id: string, fields: Record<string, string | null>): BackupFileRecord {
  const text = (name: string) => fields[name] ?? '';
  const nullable = (name: string) => fields[name] ?? null;
  const size = Number(text('filesize'));
  return {
    id,
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
