import type { Readable } from 'node:stream';
import { formatBytes, type Style } from '../../core/format.js';
import type { BackupDiff, BackupSummary, DiffSet, VerifyReport } from '../../mbz/index.js';
import { type CliContext, type CommandGroup, UsageError } from '../framework.js';

/** The backup reader, loaded when a command runs (never for `--help`). */
const mbz = () => import('../../mbz/index.js');

/** The stable `--json` shape of `mts mbz inspect`. */
export function inspectJson(s: BackupSummary): Record<string, unknown> {
  const { count, totalBytes, blobs, directories, byComponent, byMimetype } = s.files;
  return {
    format: s.format,
    type: s.type,
    moodleRelease: s.moodleRelease,
    moodleVersion: s.moodleVersion,
    backupRelease: s.backupRelease,
    backupDate: s.backupDate.toISOString(),
    mode: s.manifest.modeName,
    modeCode: s.manifest.mode,
    original: s.original,
    settings: s.settings,
    sections: s.sections,
    activities: s.activities,
    files: { count, totalBytes, blobs, directories, byComponent, byMimetype },
    users: s.users,
    archiveIndex: s.archiveIndex ? { matches: s.archiveIndex.matches, listed: s.archiveIndex.listed } : null,
    entryCount: s.entryCount,
    ...(s.inventory ? { inventory: s.inventory } : {}),
  };
}

function verifyText(report: VerifyReport, style: Style): string {
  const c = report.checked;
  const lines = [
    `${report.ok ? style.green('OK') : style.red('FAILED')}: ${c.entries} entries, ${c.fileRecords} file records, ${c.blobs} blobs, ${c.xmlFiles} XML files${c.archiveIndex ? ', .ARCHIVE_INDEX' : ''} checked`,
  ];
  for (const p of report.problems) {
    const tag = p.severity === 'error' ? style.red('error') : style.yellow('warning');
    lines.push(`${tag} ${p.code} ${p.path}: ${p.message}`);
  }
  return lines.join('\n');
}

function setText<T>(title: string, set: DiffSet<T>, show: (item: T) => string, style: Style): string[] {
  if (!set.onlyInA.length && !set.onlyInB.length && !set.changed.length) return [];
  const lines = [`${title}:`];
  for (const item of set.onlyInA) lines.push(`  ${style.red('-')} ${show(item)}`);
  for (const item of set.onlyInB) lines.push(`  ${style.green('+')} ${show(item)}`);
  for (const c of set.changed)
    lines.push(`  ${style.yellow('~')} ${show(c.a)} → ${show(c.b)} (${c.fields.join(', ')})`);
  return lines;
}

function diffText(d: BackupDiff, style: Style): string {
  const lines = [
    `A: ${d.a.backupDate.toISOString()} Moodle ${d.a.moodleRelease}, course ${d.a.courseId} at ${d.a.wwwroot}`,
    `B: ${d.b.backupDate.toISOString()} Moodle ${d.b.moodleRelease}, course ${d.b.courseId} at ${d.b.wwwroot}`,
    d.sameCourse ? 'same site and course: compared by id' : 'different site or course: compared by name',
    `"-" only in A (a restore of A brings it back), "+" only in B, "~" changed`,
    '',
    ...setText('sections', d.sections, (s) => `${s.title} (id ${s.id})`, style),
    ...setText(
      'activities',
      d.activities,
      (a) => `${a.modulename} "${a.title}" (cm ${a.moduleId}, section ${a.sectionId})`,
      style,
    ),
    ...setText('files', d.files, (f) => `${f.name} ${formatBytes(f.filesize)}`, style),
    ...setText('users', d.users, (u) => `${u.username} (id ${u.id})`, style),
    ...setText('settings', d.settings, (s) => `${s.name}=${s.value ?? 'null'}`, style),
  ];
  if (d.identical) lines.push('no differences in sections, activities, files, users or settings');
  return lines.join('\n');
}

async function writeOut(ctx: CliContext, stream: Readable, out: string) {
  if (out === '-') {
    await new Promise<void>((resolve, reject) => {
      stream.on('error', reject);
      stream.on('end', resolve);
      stream.pipe(ctx.io.stdout, { end: false });
    });
    return;
  }
  const { streamToFileAtomic } = await import('../../core/atomic.js');
  await streamToFileAtomic(stream, out);
}

const group: CommandGroup = {
  name: 'mbz',
  summary: '.mbz backups: inspect, verify, diff, ls, extract',
  commands: [
    {
      name: 'inspect',
      summary: 'What a backup holds: Moodle release, course, sections, activities, files, users, settings.',
      usage: 'FILE',
      positionals: { min: 1, max: 1 },
      options: {
        inventory: {
          type: 'boolean',
          description: 'Also count groups, roles, grades, questions, enrolments, blocks',
        },
      },
      examples: ['mts mbz inspect backup.mbz', 'mts mbz inspect backup.mbz --json --inventory'],
      async run(ctx, input) {
        const { formatSummary, inspectBackup } = await mbz();
        const summary = await inspectBackup(input.positionals[0] as string, {
          inventory: input.options.inventory === true,
          onProgress: ctx.progress(),
        });
        ctx.print(ctx.json ? inspectJson(summary) : summary, (_v, style) => formatSummary(summary, style));
        return 0;
      },
    },
    {
      name: 'verify',
      summary: 'Check integrity: blobs vs files.xml, .ARCHIVE_INDEX, manifest folders, XML well-formedness.',
      usage: 'FILE',
      positionals: { min: 1, max: 1 },
      description: 'Exits 1 when a problem of severity "error" is found.',
      async run(ctx, input) {
        const { verifyBackup } = await mbz();
        const report = await verifyBackup(input.positionals[0] as string, { onProgress: ctx.progress() });
        const { summary, ...rest } = report;
        ctx.print({ ...rest, format: summary.format, type: summary.type }, (_v, style) =>
          verifyText(report, style),
        );
        return report.ok ? 0 : 1;
      },
    },
    {
      name: 'diff',
      summary: 'Compare two backups: sections, activities, files, users, settings.',
      usage: 'A B',
      positionals: { min: 2, max: 2 },
      examples: ['mts mbz diff last-week.mbz today.mbz'],
      async run(ctx, input) {
        const { diffBackups } = await mbz();
        const diff = await diffBackups(input.positionals[0] as string, input.positionals[1] as string, {
          onProgress: ctx.progress(),
        });
        ctx.print(diff, (_v, style) => diffText(diff, style));
        return 0;
      },
    },
    {
      name: 'ls',
      summary: 'List the entries of a backup.',
      usage: 'FILE',
      positionals: { min: 1, max: 1 },
      async run(ctx, input) {
        const { listEntries } = await mbz();
        const entries = await listEntries(input.positionals[0] as string, { onProgress: ctx.progress() });
        ctx.print(
          entries.map(({ name, kind, size }) => ({ name, kind, size })),
          () => entries.map((e) => `${String(e.size).padStart(12)}  ${e.name}`).join('\n'),
        );
        return 0;
      },
    },
    {
      name: 'extract',
      summary: 'Write one entry, or one course file by its original name, to a file (atomically) or stdout.',
      usage: 'FILE ENTRY',
      positionals: { min: 2, max: 2 },
      options: {
        output: {
          type: 'string',
          short: 'o',
          description: 'Where to write ("-" for stdout)',
          valueName: 'OUT',
        },
      },
      description:
        'ENTRY is a path inside the archive (moodle_backup.xml, files/1b/1b7a...) or a file name from files.xml: ' +
        'component/filearea/itemid/filepath/filename (mod_resource/content/0/notes.pdf).',
      examples: [
        'mts mbz extract backup.mbz moodle_backup.xml -o manifest.xml',
        'mts mbz extract backup.mbz mod_resource/content/0/notes.pdf -o notes.pdf',
      ],
      async run(ctx, input) {
        const { MbzEntryNotFoundError, openEntry, openOriginalFile } = await mbz();
        const [file, entry] = input.positionals as [string, string];
        const out = input.options.output;
        if (typeof out !== 'string' || out === '')
          throw new UsageError('extract needs -o OUT (or -o - for stdout).');
        const onProgress = ctx.progress();
        let stream: Readable;
        let what = entry;
        try {
          stream = await openEntry(file, entry, { onProgress });
        } catch (error) {
          if (!(error instanceof MbzEntryNotFoundError)) throw error;
          const original = await openOriginalFile(file, entry, { onProgress }).catch((second: unknown) => {
            throw second instanceof MbzEntryNotFoundError && second.code === 'mbz.file_not_found'
              ? error
              : second;
          });
          stream = original.stream;
          what = `${entry} (${original.record.contenthash})`;
        }
        await writeOut(ctx, stream, out);
        if (out !== '-') ctx.print({ entry, written: out }, () => `wrote ${what} to ${out}`);
        return 0;
      },
    },
  ],
};

export default group;
