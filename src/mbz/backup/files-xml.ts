import { scanXml, trimSpace } from '../xml/scan.js';
import { NULL_MARKER } from '../xml/tree.js';

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
  const records: BackupFileRecord[] = [];
  forEachFileRecord(content, (record) => void records.push(record), path);
  return records;
}

/**
 * Reads `files.xml` and hands each record to `visit` as it is read, so that a caller who only tallies them keeps
 * none in memory.
 *
 * @example
 * ```ts
 * let bytes = 0;
 * forEachFileRecord(await readFile('files.xml'), (record) => { bytes += record.filesize; });
 * ```
 */
export function forEachFileRecord(
  content: Buffer | string,
  visit: (record: BackupFileRecord) => void,
  path = FILES_XML_PATH,
): void {
  // files.xml can hold tens of thousands of flat records. A record written the way every Moodle since 2.x writes
  // it (the fields below, in that order, without references) is matched whole by one regular expression, which
  // also proves it well-formed; any other record is read field by field from the scanner's events.
  let depth = 0;
  let id = '';
  let fields: Record<string, string | null> = {};
  let text = '';
  scanXml(content, path, {
    child(xml, at) {
      RECORD.lastIndex = at;
      const match = RECORD.exec(xml);
      if (match === null) return -1;
      const end = RECORD.lastIndex;
      visit(
        toRecord(match[1] as string, (k) => {
          const value = trimSpace(match[k + 2] as string);
          return value === NULL_MARKER ? null : value;
        }),
      );
      return end;
    },
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
      else if (depth === 2 && name === 'file') {
        const read = fields;
        visit(toRecord(id, (k) => read[FIELDS[k] as string] ?? null));
      }
      text = '';
      depth--;
    },
  });
}

/** The fields of a files.xml record, in the order Moodle writes them. */
const FIELDS = [
  'contenthash',
  'contextid',
  'component',
  'filearea',
  'itemid',
  'filepath',
  'filename',
  'userid',
  'filesize',
  'mimetype',
  'status',
  'timecreated',
  'timemodified',
  'source',
  'author',
  'license',
  'sortorder',
  'repositorytype',
  'repositoryid',
  'reference',
];
const SPACE = '[ \\t\\r\\n]*';
const RECORD = new RegExp(
  `${SPACE}<file[ \\t\\r\\n]+id="([^"<&]*)"${SPACE}>${FIELDS.map((f) => `${SPACE}<${f}>([^<&]*)</${f}>`).join('')}${SPACE}</file${SPACE}>`,
  'y',
);

/** A record from its id and its fields by position in {@link FIELDS} (null for `$@NULL@$` or absent). */
function toRecord(id: string, field: (k: number) => string | null): BackupFileRecord {
  const text = (k: number) => field(k) ?? '';
  const size = Number(text(8));
  return {
    id,
    contenthash: text(0),
    contextid: text(1),
    component: text(2),
    filearea: text(3),
    itemid: text(4),
    filepath: text(5),
    filename: text(6),
    userid: field(7),
    filesize: Number.isFinite(size) && size >= 0 ? size : 0,
    mimetype: field(9),
    status: text(10),
    timecreated: text(11),
    timemodified: text(12),
    source: field(13),
    author: field(14),
    license: field(15),
    sortorder: text(16),
    repositorytype: field(17),
    repositoryid: field(18),
    reference: field(19),
  };
}

/** Tallies records by component and mime type, leaving directory records out. */
export function summariseFiles(records: Iterable<BackupFileRecord>): FilesSummary {
  const tally = new FilesTally();
  for (const record of records) tally.add(record);
  return tally.summary();
}

/**
 * {@link summariseFiles} one record at a time, so records can be tallied as they are read and dropped. Keys come
 * from the file: tallies are kept in maps, never as properties of an object a name like `__proto__` could reach.
 */
export class FilesTally {
  #count = 0;
  #totalBytes = 0;
  #blobBytes = 0;
  #directories = 0;
  readonly #seen = new Set<string>();
  readonly #byComponent = new Map<string, FileTally>();
  readonly #byMimetype = new Map<string, FileTally>();

  add(record: BackupFileRecord): void {
    if (isDirectoryRecord(record)) {
      this.#directories++;
      return;
    }
    this.#count++;
    this.#totalBytes += record.filesize;
    const blobs = this.#seen.size;
    if (this.#seen.add(record.contenthash).size !== blobs) this.#blobBytes += record.filesize;
    bump(this.#byComponent, record.component, record.filesize);
    bump(this.#byMimetype, record.mimetype ?? 'unknown', record.filesize);
  }

  summary(): FilesSummary {
    return {
      count: this.#count,
      totalBytes: this.#totalBytes,
      blobs: this.#seen.size,
      blobBytes: this.#blobBytes,
      directories: this.#directories,
      byComponent: Object.fromEntries(this.#byComponent),
      byMimetype: Object.fromEntries(this.#byMimetype),
    };
  }
}

function bump(into: Map<string, FileTally>, key: string, bytes: number): void {
  const entry = into.get(key);
  if (entry) {
    entry.count++;
    entry.bytes += bytes;
  } else into.set(key, { count: 1, bytes });
}

/** The original name of a file: `component/filearea/itemid/filepath/filename`, as `restoreFile` accepts it. */
export function originalName(record: BackupFileRecord): string {
  return `${record.component}/${record.filearea}/${record.itemid}${record.filepath}${record.filename}`;
}
