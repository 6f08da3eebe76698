// Only types at the top: each command loads the modules it runs, so `mts mbz inspect` of a small backup starts
// about as fast as Node itself (bench/mbz prints the ratio).
import type { Readable } from 'node:stream';
import { formatBytes, type Style } from '../../core/format.js';
import type { AnonymiseReport, BackupDiff, BackupSummary, DiffSet, VerifyReport } from '../../mbz/index.js';
import { type CliContext, type CommandGroup, UsageError } from '../framework.js';

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

function verifyText(report: VerifyReport, style: Style, p: (text: string) => string): string {
  const c = report.checked;
  const lines = [
    `${report.ok ? style.green('OK') : style.red('FAILED')}: ${c.entries} entries, ${c.fileRecords} file records, ${c.blobs} blobs, ${c.xmlFiles} XML files${c.archiveIndex ? ', .ARCHIVE_INDEX' : ''} checked`,
  ];
  for (const problem of report.problems) {
    const tag = problem.severity === 'error' ? style.red('error') : style.yellow('warning');
    lines.push(`${tag} ${problem.code} ${p(problem.path)}: ${p(problem.message)}`);
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

function diffText(d: BackupDiff, style: Style, p: (text: string) => string): string {
  const lines = [
    `A: ${d.a.backupDate.toISOString()} Moodle ${p(d.a.moodleRelease)}, course ${p(d.a.courseId)} at ${p(d.a.wwwroot)}`,
    `B: ${d.b.backupDate.toISOString()} Moodle ${p(d.b.moodleRelease)}, course ${p(d.b.courseId)} at ${p(d.b.wwwroot)}`,
    d.sameCourse ? 'same site and course: compared by id' : 'different site or course: compared by name',
    `"-" only in A (a restore of A brings it back), "+" only in B, "~" changed`,
    '',
    ...setText('sections', d.sections, (s) => p(`${s.title} (id ${s.id})`), style),
    ...setText(
      'activities',
      d.activities,
      (a) => p(`${a.modulename} "${a.title}" (cm ${a.moduleId}, section ${a.sectionId})`),
      style,
    ),
    ...setText('files', d.files, (f) => `${p(f.name)} ${formatBytes(f.filesize)}`, style),
    ...setText('users', d.users, (u) => p(`${u.username} (id ${u.id})`), style),
    ...setText('settings', d.settings, (s) => p(`${s.name}=${s.value ?? 'null'}`), style),
  ];
  if (d.identical) lines.push('no differences in sections, activities, files, users or settings');
  return lines.join('\n');
}

function anonymiseText(r: AnonymiseReport, input: string, style: Style, p: (text: string) => string): string {
  const replaced = Object.entries(r.replaced)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  return [
    `${style.green('wrote')} ${p(r.output)} (${r.format}, ${r.mode}): ${r.users} ${r.users === 1 ? 'user' : 'users'} in the input`,
    `replaced: ${replaced || 'nothing'}`,
    `files: ${r.files.kept} kept, ${r.files.dropped} left out (${formatBytes(r.files.droppedBytes)})`,
    `entries: ${r.entries.written} written, ${r.entries.rewritten} rewritten, ${r.entries.droppedEntries} left out`,
    style.dim(
      `check it: mts mbz verify ${p(r.output)}; see what changed: mts mbz diff ${p(input)} ${p(r.output)}`,
    ),
  ].join('\n');
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
  summary: '.mbz backups: inspect, verify, diff, anonymise, ls, extract',
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
        const [{ inspectBackup }, { formatSummary }] = await Promise.all([
          import('../../mbz/inspect.js'),
          import('../../mbz/format.js'),
        ]);
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
        const [{ verifyBackup }, { printable }] = await Promise.all([
          import('../../mbz/verify.js'),
          import('../../mbz/format.js'),
        ]);
        const report = await verifyBackup(input.positionals[0] as string, { onProgress: ctx.progress() });
        const { summary, ...rest } = report;
        ctx.print({ ...rest, format: summary.format, type: summary.type }, (_v, style) =>
          verifyText(report, style, printable),
        );
        return report.ok ? 0 : 1;
      },
    },
    {
      name: 'diff',
      summary: 'Compare two backups: sections, activities, files, users, settings.',
      usage: 'A B',
      positionals: { min: 2, max: 2 },
      description:
        'Exits 0 when the backups hold the same, 1 when they differ and 2 on trouble, as diff does.',
      examples: ['mts mbz diff last-week.mbz today.mbz', 'mts mbz diff course.mbz course-anon.mbz'],
      failureExitCode: 2,
      async run(ctx, input) {
        const [{ diffBackups }, { printable }] = await Promise.all([
          import('../../mbz/diff.js'),
          import('../../mbz/format.js'),
        ]);
        const diff = await diffBackups(input.positionals[0] as string, input.positionals[1] as string, {
          onProgress: ctx.progress(),
        });
        ctx.print(diff, (_v, style) => diffText(diff, style, printable));
        return diff.identical ? 0 : 1;
      },
    },
    {
      name: 'anonymise',
      summary: 'Write an anonymised copy of a backup to hand on: users become anon1..N wherever they appear.',
      usage: 'IN OUT',
      positionals: { min: 2, max: 2 },
      options: {
        'keep-files': { type: 'boolean', description: 'Keep the files users uploaded (left out by default)' },
        'strip-users': {
          type: 'boolean',
          description: 'Leave all user data out, as Moodle does for a backup without users',
        },
        force: { type: 'boolean', description: 'Replace OUT if it exists' },
      },
      description:
        'Same packing as IN, one pass over it, in bounded memory; OUT appears only once complete. users.xml gets ' +
        "what Moodle's backup-time anonymiser does and more; names, emails, usernames, idnumbers and IP addresses " +
        'are replaced in every other text; what users wrote keeps its structure with its words replaced. The ' +
        'report counts what was replaced by kind, never the values.',
      examples: [
        'mts mbz anonymise course.mbz course-an.mbz',
        'mts mbz anonymise course.mbz course-nu.mbz --strip-users',
        'mts mbz diff course.mbz course-an.mbz',
      ],
      async run(ctx, input) {
        const [{ anonymiseBackup }, { printable }] = await Promise.all([
          import('../../mbz/anonymise/anonymise.js'),
          import('../../mbz/format.js'),
        ]);
        const [from, to] = input.positionals as [string, string];
        const report = await anonymiseBackup(from, to, {
          keepFiles: input.options['keep-files'] === true,
          stripUsers: input.options['strip-users'] === true,
          overwrite: input.options.force === true,
          onProgress: ctx.progress(),
        });
        ctx.print(report, (_v, style) => anonymiseText(report, from, style, printable));
        return 0;
      },
    },
    {
      name: 'ls',
      summary: 'List the entries of a backup.',
      usage: 'FILE',
      positionals: { min: 1, max: 1 },
      async run(ctx, input) {
        const [{ listEntries }, { printable }] = await Promise.all([
          import('../../mbz/list.js'),
          import('../../mbz/format.js'),
        ]);
        const entries = await listEntries(input.positionals[0] as string, { onProgress: ctx.progress() });
        ctx.print(
          entries.map(({ name, kind, size, linkTarget }) =>
            linkTarget === undefined ? { name, kind, size } : { name, kind, size, linkTarget },
          ),
          () =>
            entries
              .map(
                (e) =>
                  `${String(e.size).padStart(12)}  ${printable(e.name)}${e.linkTarget === undefined ? '' : ` (hard link to ${printable(e.linkTarget)})`}`,
              )
              .join('\n'),
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
        const [file, entry] = input.positionals as [string, string];
        const out = input.options.output;
        if (typeof out !== 'string' || out === '')
          throw new UsageError('extract needs -o OUT (or -o - for stdout).');
        const [{ openEntry, openOriginalFile }, { MbzEntryNotFoundError }] = await Promise.all([
          import('../../mbz/extract.js'),
          import('../../mbz/errors.js'),
        ]);
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
