/**
 * Anonymising a zip: users.xml, files.xml and moodle_backup.xml are read first (a zip reads any entry directly),
 * then every entry is written once, in the input's order: text rewritten and deflated as it streams, the blobs
 * kept copied as they are stored (their compressed bytes untouched: no inflate, no deflate).
 */
import type { Readable } from 'node:stream';
import type { OutputFile } from '../archive/output-file.js';
import type { ArchiveReader } from '../archive/types.js';
import type { ZipReader } from '../archive/zip-reader.js';
import { ZipWriter } from '../archive/zip-writer.js';
import { FILES_XML_PATH } from '../backup/files-xml.js';
import { MANIFEST_PATH } from '../backup/manifest.js';
import type { PipelineContext, Written } from './pipeline.js';
import type { Tally } from './tally.js';
import { isText, knowledgeReader, rewrite } from './transform.js';

/** Text entries up to this size are rewritten in memory. */
const WHOLE = 4 << 20;

const KNOWLEDGE = new Set(['users.xml', FILES_XML_PATH, MANIFEST_PATH]);

export async function anonymiseZip(
  archive: ArchiveReader,
  out: OutputFile,
  context: PipelineContext,
): Promise<{ result: Written; tally: Tally }> {
  const reader = archive as ZipReader;
  const limits = reader.limits;
  const known = knowledgeReader(limits.maxRecords, limits.maxXmlBytes);
  await reader.walk(
    {
      want: (entry) => (KNOWLEDGE.has(entry.name) ? (known.sink(entry.name) ?? 'skip') : 'skip'),
      visit() {},
    },
    { signal: context.options.signal },
  );
  const { plan, files } = context.makePlan(known.knowledge);
  const writer = new ZipWriter(out);
  let written = 0;
  let rewritten = 0;
  let dropped = 0;
  const total = reader.entries.reduce((n, e) => n + e.size, 0);
  let done = 0;
  const seen = new Set<string>();
  for (const entry of reader.entries) {
    if (context.options.signal?.aborted) throw context.options.signal.reason;
    if (seen.has(entry.name)) continue;
    seen.add(entry.name);
    const mtime = entry.mtime ?? new Date(0);
    if (entry.kind === 'directory') {
      await writer.directory(entry.name, mtime);
      written++;
      continue;
    }
    if (files.droppedBlobs.has(entry.name) || (plan.strip && entry.name === 'users.xml')) {
      dropped++;
      continue;
    }
    if (isText(entry.name) && entry.size <= WHOLE) {
      // Most text entries are small: read, rewritten and deflated whole, with no stream for each.
      const content = (await reader.readMany([entry.name])).get(entry.name) as Buffer;
      const parts: Buffer[] = [];
      for await (const chunk of rewrite(entry.name, [content], plan)) parts.push(chunk);
      await writer.fileWhole(entry.name, mtime, Buffer.concat(parts));
      rewritten++;
    } else if (isText(entry.name)) {
      const input = (await reader.openStream(entry.name)) as Readable;
      await writer.file(entry.name, mtime, rewrite(entry.name, input as AsyncIterable<Buffer>, plan));
      rewritten++;
    } else {
      const raw = await reader.openRaw(entry.name);
      if (raw === undefined) continue;
      await writer.copyRaw(raw.info, raw.stream as AsyncIterable<Buffer>);
    }
    written++;
    done += entry.size;
    context.options.onProgress?.({ phase: 'writing', done, total, unit: 'bytes' });
  }
  await writer.finish();
  return {
    result: { written, rewritten, dropped, people: known.knowledge.people?.length ?? 0, files },
    tally: plan.tally,
  };
}
