/**
 * Anonymising a tar.gz in one pass. Moodle writes users.xml last, so no text can be rewritten before the whole
 * archive has gone by; but the blobs, the bulk of a backup, need no rewriting. So the output is written as gzip
 * members (see gzip-members.ts): each blob goes straight from the input to the output as a stored member while
 * the input is read, the text entries wait in a spill file, and once users.xml has been read:
 *
 * - the members of the blobs users uploaded are blanked in place (filler members of the same length);
 * - the text entries are rewritten and appended, deflated;
 * - `.ARCHIVE_INDEX` is written into the space reserved for it at the start, as Moodle puts it first.
 *
 * The output holds the same entries in the same packing; only the text entries come after the blobs.
 */

import { deflateRawSync } from 'node:zlib';
import {
  deflatedMember,
  fillerMembers,
  StoredMember,
  storedMember,
  TAR_END,
  tarHeaders,
  tarPadding,
} from '../archive/gzip-members.js';
import type { OutputFile } from '../archive/output-file.js';
import type { ArchiveReader, EntrySink } from '../archive/types.js';
import { ARCHIVE_INDEX_PATH } from '../backup/archive-index.js';
import { MbzFormatError } from '../errors.js';
import type { PipelineContext, Written } from './pipeline.js';
import { Spill } from './spill.js';
import type { Tally } from './tally.js';
import { isText, knowledgeReader, rewrite, tee } from './transform.js';

interface Entry {
  name: string;
  kind: 'directory' | 'blob' | 'text' | 'link';
  mtime: Date;
  size: number;
  /** Where its member is in the output (directories and stored blobs). */
  at?: number;
  length?: number;
  /** Where its content waits in a spill (text, and blobs worth compressing). */
  spill?: { in: Spill; offset: number; size: number };
  linkTarget?: string | undefined;
}

/** True when a sample compresses well (text, markup): such a blob is deflated; others are stored as they are. */
function compressible(sample: Buffer): boolean {
  return sample.length < 4096 || deflateRawSync(sample, { level: 1 }).length < sample.length * 0.5;
}

export async function anonymiseTarGz(
  reader: ArchiveReader,
  out: OutputFile,
  context: PipelineContext,
): Promise<{ result: Written; tally: Tally }> {
  const limits = reader.limits;
  const signal = context.options.signal;
  const known = knowledgeReader(limits.maxRecords, limits.maxXmlBytes);
  const spills: Spill[] = [];
  try {
    const waiting = await Spill.open(context.output);
    spills.push(waiting);
    const entries: Entry[] = [];
    const byName = new Map<string, Entry>();
    let gap: { at: number; size: number } | undefined;

    /** A blob: a stored member written as it arrives, unless its first bytes say it is worth compressing. */
    const blobSink = (entry: Entry): EntrySink => {
      let member: StoredMember | undefined;
      let spilled: EntrySink | undefined;
      const start = (first: Buffer | undefined) => {
        if (first !== undefined && compressible(first.subarray(0, 16 << 10))) {
          entry.spill = { in: waiting, offset: waiting.size, size: entry.size };
          spilled = waiting.sink();
          return undefined;
        }
        member = new StoredMember();
        entry.at = out.size;
        out.append(member.start());
        return out.append(member.push(tarHeaders(entry.name, entry.size, entry.mtime, '0')));
      };
      return {
        write(chunk) {
          if (member === undefined && spilled === undefined) start(chunk);
          if (spilled) return spilled.write(chunk);
          return out.appendPieces((member as StoredMember).pieces(chunk));
        },
        end() {
          if (spilled) return;
          if (member === undefined) start(undefined);
          const stored = member as StoredMember;
          out.append(stored.push(tarPadding(entry.size)));
          const done = out.append(stored.finish());
          entry.length = out.size - (entry.at as number);
          return done;
        },
      };
    };

    await reader.walk(
      {
        want(source) {
          const entry: Entry = {
            name: source.name,
            kind: 'blob',
            mtime: source.mtime ?? new Date(0),
            size: source.size,
          };
          if (source.name === ARCHIVE_INDEX_PATH) {
            // Moodle's index comes first: space for ours is kept here, sized after it (sizes may grow a digit).
            if (entries.length === 0 && gap === undefined) {
              const size = Math.ceil(source.size * 1.25) + 8192;
              gap = { at: out.reserve(size), size };
            }
            return 'skip';
          }
          entries.push(entry);
          byName.set(entry.name, entry);
          if (!isText(source.name)) return blobSink(entry);
          entry.kind = 'text';
          entry.spill = { in: waiting, offset: waiting.size, size: source.size };
          const knowledge = known.sink(source.name);
          return knowledge ? tee(waiting.sink(), knowledge) : waiting.sink();
        },
        visit(source): Promise<void> | undefined {
          if (source.kind === 'file' || source.kind === 'other') return undefined;
          const entry: Entry = {
            name: source.name,
            kind: source.kind,
            mtime: source.mtime ?? new Date(0),
            size: source.size,
            linkTarget: source.linkTarget,
          };
          entries.push(entry);
          if (source.kind === 'directory') {
            entry.at = out.size;
            const member = storedMember(tarHeaders(source.name, 0, entry.mtime, '5')) as Buffer;
            entry.length = member.length;
            return out.append(member);
          }
          return undefined;
        },
      },
      { onProgress: context.options.onProgress, signal },
    );
    await waiting.seal();
    const { plan, files } = context.makePlan(known.knowledge);

    let dropped = 0;
    // The blobs users uploaded: blanked where they were written (or never written, when spilled).
    const kept: Entry[] = [];
    for (const entry of entries) {
      let keep = true;
      if (entry.kind === 'blob' && files.droppedBlobs.has(entry.name)) keep = false;
      if (plan.strip && entry.name === 'users.xml') keep = false;
      // A hard link is a second name for an earlier entry: written as a copy of it when that is text, else left
      // out (a link to itself, or to a blob, which Moodle never makes).
      if (entry.kind === 'link') {
        const target = byName.get(entry.linkTarget ?? '');
        keep = target !== undefined && target.kind === 'text' && entry.linkTarget !== entry.name;
        if (keep && target) Object.assign(entry, { kind: 'text', spill: target.spill, size: target.size });
      }
      if (keep) {
        kept.push(entry);
        continue;
      }
      dropped++;
      if (entry.at !== undefined && entry.length !== undefined) {
        const filler = fillerMembers(entry.length);
        if (!filler) throw new MbzFormatError('mbz.internal', `Cannot blank ${entry.name} in the output.`);
        await out.writeAt(entry.at, Buffer.concat(filler));
      }
    }

    // Text rewritten into a second spill: its size goes in its tar header and in the index.
    const rewritten = await Spill.open(context.output);
    spills.push(rewritten);
    let rewrites = 0;
    for (const entry of kept) {
      if (entry.kind !== 'text' || entry.spill === undefined) continue;
      if (signal?.aborted) throw signal.reason;
      const offset = rewritten.size;
      const source = entry.spill;
      for await (const chunk of rewrite(entry.name, source.in.read(source.offset, source.size), plan)) {
        await rewritten.append(chunk);
      }
      entry.spill = { in: rewritten, offset, size: rewritten.size - offset };
      entry.size = rewritten.size - offset;
      rewrites++;
    }
    await rewritten.seal();

    const index = gap === undefined ? undefined : Buffer.from(indexOf(kept));
    const indexEntry = index === undefined ? undefined : tarEntry(ARCHIVE_INDEX_PATH, index, new Date());
    const inGap =
      gap === undefined || indexEntry === undefined ? undefined : storedMember(indexEntry, gap.size);
    if (gap !== undefined) {
      await out.writeAt(gap.at, inGap ?? Buffer.concat(fillerMembers(gap.size) ?? []));
    }
    // What waited, appended in order in one deflated member: the text rewritten, and blobs worth compressing (a
    // member of their own each would cost a deflate stream per file).
    const total = kept.reduce((n, e) => n + (e.spill?.size ?? 0), 0);
    const tail = (async function* () {
      let done = 0;
      for (const entry of kept) {
        if (entry.spill === undefined) continue;
        if (signal?.aborted) throw signal.reason;
        const { in: spill, offset, size } = entry.spill;
        yield tarHeaders(entry.name, size, entry.mtime, '0');
        yield* spill.read(offset, size);
        yield tarPadding(size);
        done += size;
        context.options.onProgress?.({ phase: 'writing', done, total, unit: 'bytes' });
      }
      if (indexEntry !== undefined && inGap === undefined) yield indexEntry;
      yield TAR_END;
    })();
    for await (const chunk of deflatedMember(tail)) await out.append(chunk);
    return {
      result: {
        written: kept.length + (index ? 1 : 0),
        rewritten: rewrites,
        dropped,
        people: known.knowledge.people?.length ?? 0,
        files,
      },
      tally: plan.tally,
    };
  } finally {
    for (const spill of spills) await spill.close();
  }
}

/** A whole tar entry (header, content, padding) of a small file. */
function tarEntry(name: string, content: Buffer, mtime: Date): Buffer {
  return Buffer.concat([tarHeaders(name, content.length, mtime, '0'), content, tarPadding(content.length)]);
}

/** Moodle's `.ARCHIVE_INDEX` of the entries written: a count, then name, d|f, size and time per line. */
function indexOf(entries: readonly Entry[]): string {
  const lines = entries.map((e) =>
    e.kind === 'directory'
      ? `${e.name}\td\t0\t?`
      : `${e.name}\tf\t${e.size}\t${Math.max(0, Math.floor(e.mtime.getTime() / 1000))}`,
  );
  return `Moodle archive file index. Count: ${lines.length}\n${lines.join('\n')}\n`;
}
