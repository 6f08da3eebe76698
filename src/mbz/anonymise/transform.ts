/** The content of one entry of the backup, rewritten by the plan's rules as it streams through. */
import type { EntrySink } from '../archive/types.js';
import { xmlSink } from '../backup/collect.js';
import {
  type BackupFileRecord,
  detachRecord,
  FILES_XML_PATH,
  fileRecordHandler,
} from '../backup/files-xml.js';
import { type BackupManifest, MANIFEST_PATH, manifestReader } from '../backup/manifest.js';
import { tooManyRecords } from '../xml/records.js';
import { XmlRewriter } from '../xml/rewrite.js';
import { type XmlHandler, XmlScanner } from '../xml/scan.js';
import { type Person, peopleReader } from './people.js';
import { type Plan, rulesFor } from './rules.js';

/** Entries whose text is rewritten; every other entry (the blobs above all) is copied as it is, or left out. */
export function isText(name: string): boolean {
  return name.endsWith('.xml') || name.endsWith('.log');
}

const IGNORE: XmlHandler = { open() {}, text() {}, close() {}, leaf() {} };

/**
 * `input` (the entry `name`) rewritten: XML through its rules, checked well-formed as it goes (a damaged file
 * is refused rather than half rewritten); other text (moodle_backup.log) line by line through the replacer.
 */
export async function* rewrite(
  name: string,
  input: AsyncIterable<Buffer> | Iterable<Buffer>,
  plan: Plan,
): AsyncGenerator<Buffer> {
  const out: string[] = [];
  if (!name.endsWith('.xml')) {
    const decoder = new TextDecoder('utf-8');
    let rest = '';
    for await (const chunk of input) {
      const text = rest + decoder.decode(chunk, { stream: true });
      const cut = text.lastIndexOf('\n') + 1;
      rest = text.slice(cut);
      if (cut > 0) yield Buffer.from(plan.replacer.replace(text.slice(0, cut)));
    }
    rest += decoder.decode();
    if (rest !== '') yield Buffer.from(plan.replacer.replace(rest));
    return;
  }
  const checker = new XmlScanner(name, IGNORE);
  const rewriter = new XmlRewriter(name, rulesFor(name, plan), (text) => void out.push(text));
  const drain = () => {
    const text = out.join('');
    out.length = 0;
    return Buffer.from(text);
  };
  for await (const chunk of input) {
    checker.write(chunk);
    rewriter.write(chunk);
    if (out.length > 0) yield drain();
  }
  checker.end();
  rewriter.end();
  if (out.length > 0) yield drain();
}

/** What must be known of a backup before a byte of it is rewritten: its people, its files, its manifest. */
export interface Knowledge {
  people: Person[] | null;
  files: BackupFileRecord[] | null;
  manifest: BackupManifest | undefined;
}

/** Sinks that read users.xml, files.xml and moodle_backup.xml as they go by, into a {@link Knowledge}. */
export function knowledgeReader(maxRecords: number, maxXmlBytes: number) {
  const knowledge: Knowledge = { people: null, files: null, manifest: undefined };
  const scan = (name: string, handler: XmlHandler, done: () => void) =>
    xmlSink(name, handler, maxXmlBytes, done);
  return {
    knowledge,
    /** The sink for entry `name`, when it is one of the three. */
    sink(name: string): EntrySink | undefined {
      if (name === 'users.xml') {
        const reader = peopleReader(maxRecords);
        return scan(name, reader.handler, () => {
          knowledge.people = reader.result();
        });
      }
      if (name === FILES_XML_PATH) {
        const records: BackupFileRecord[] = [];
        const handler = fileRecordHandler((record) => {
          if (records.length >= maxRecords) throw tooManyRecords(name, maxRecords);
          records.push(detachRecord(record));
        });
        return scan(name, handler, () => {
          knowledge.files = records;
        });
      }
      if (name === MANIFEST_PATH) {
        const reader = manifestReader(maxRecords);
        return scan(name, reader.handler, () => {
          knowledge.manifest = reader.result();
        });
      }
      return undefined;
    },
  };
}

/** Both sinks fed with each chunk. */
export function tee(a: EntrySink, b: EntrySink): EntrySink {
  return {
    async write(chunk) {
      const first = a.write(chunk);
      if (first) await first;
      const second = b.write(chunk);
      if (second) await second;
    },
    async end() {
      await a.end();
      await b.end();
    },
  };
}
