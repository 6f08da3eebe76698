import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { assertKnownOptions, InputError } from '../../core/errors.js';
import { openArchive } from '../archive/open.js';
import { OutputFile } from '../archive/output-file.js';
import type { ArchiveReader, BackupFormat, BackupSource } from '../archive/types.js';
import { MANIFEST_PATH } from '../backup/manifest.js';
import { MbzNotBackupError } from '../errors.js';
import { decideFiles, type FileDecisions } from './files.js';
import { IdentifierReplacer, type Person } from './people.js';
import type { AnonymiseOptions, PipelineContext } from './pipeline.js';
import type { Plan } from './rules.js';
import { Tally } from './tally.js';
import type { Knowledge } from './transform.js';

export type { AnonymiseOptions } from './pipeline.js';

/** What {@link anonymiseBackup} did: counts by kind, never the values it replaced. */
export interface AnonymiseReport {
  format: BackupFormat;
  output: string;
  mode: 'anonymised' | 'users stripped';
  /** Users of the input backup. */
  users: number;
  /**
   * What was replaced, by kind: `user fields` (of users.xml), `names`, `emails`, `usernames`, `idnumbers`, `ips`
   * found in other text, `texts people wrote`, `log payloads`, `user records left out`, `user data left out`.
   */
  replaced: Record<string, number>;
  files: { kept: number; dropped: number; droppedBytes: number };
  entries: { written: number; rewritten: number; droppedEntries: number };
}

/** Moodle's root settings that depend on `users` (backup/moodle2/backup_root_task.class.php). */
const USER_SETTINGS = [
  'users',
  'anonymize',
  'role_assignments',
  'comments',
  'badges',
  'userscompletion',
  'logs',
  'grade_histories',
  'xapistate',
];

/** `backup-…-1905.mbz` → `backup-…-1905-an.mbz` (or `-nu`), as Moodle names anonymised and user-less backups. */
function renamed(suffix: '-an' | '-nu') {
  return (name: string) => {
    const bare = name.replace(/(-an|-nu)?\.mbz$/i, '');
    return `${bare}${suffix}${name.toLowerCase().endsWith('.mbz') ? '.mbz' : ''}`;
  };
}

function makePlanner(options: AnonymiseOptions, date: Date) {
  return (knowledge: Knowledge): { plan: Plan; files: FileDecisions } => {
    if (knowledge.manifest === undefined) {
      throw new MbzNotBackupError(
        'mbz.not_a_backup',
        `The archive has no ${MANIFEST_PATH}: it is not a Moodle backup.`,
        {
          hint: 'A Moodle 2+ backup has moodle_backup.xml at the root of the archive.',
          details: { path: MANIFEST_PATH },
        },
      );
    }
    const strip = options.stripUsers === true;
    const people: Person[] = knowledge.people ?? [];
    const tally = new Tally();
    const files = decideFiles(knowledge.files ?? [], options.keepFiles === true && !strip);
    const settings = new Map<string, string>(
      strip ? USER_SETTINGS.map((name) => [name, '0']) : [['anonymize', '1']],
    );
    const what = strip
      ? 'user data left out (users.xml, the users setting and those depending on it, posts, submissions, attempts, grades, logs, user files)'
      : `users renamed anon1..${people.length} everywhere, the texts they wrote replaced word for word${files.dropped > 0 ? ', the files they uploaded left out' : ''}`;
    const plan: Plan = {
      strip,
      people: new Map(people.map((person) => [person.id, person])),
      replacer: new IdentifierReplacer(people, tally),
      tally,
      droppedFiles: files.droppedIds,
      settings,
      userinfo: strip ? '0' : undefined,
      filename: renamed(strip ? '-nu' : '-an'),
      note: `${strip ? 'Users stripped' : 'Anonymised'} by mts mbz anonymise on ${date.toISOString()}: ${what}.`,
    };
    return { plan, files };
  };
}

async function sameFile(a: string, b: string): Promise<boolean> {
  try {
    return (await realpath(a)) === (await realpath(b));
  } catch {
    return resolve(a) === resolve(b);
  }
}

/**
 * Writes an anonymised copy of a backup that can be handed to someone else: in the same packing, in one pass
 * over the input and in bounded memory. Users become `anon1..N` wherever they appear (users.xml as Moodle's own
 * anonymiser does it and more; their names, emails, usernames, idnumbers and IP addresses in every other text),
 * what they wrote keeps its structure with its words replaced, the files they uploaded are left out (unless
 * `keepFiles`), and `files.xml`, `.ARCHIVE_INDEX` and `moodle_backup.xml` say what the copy holds (the
 * `anonymize` setting on, the anonymisation noted). With `stripUsers`, user data goes altogether. The output
 * appears only once complete.
 *
 * @example
 * ```ts
 * const report = await anonymiseBackup('course.mbz', 'course-an.mbz');
 * console.log(report.users, report.replaced, report.files.dropped);
 * ```
 */
export async function anonymiseBackup(
  source: BackupSource,
  output: string,
  options: AnonymiseOptions = {},
): Promise<AnonymiseReport> {
  assertKnownOptions('anonymiseBackup', options, [
    'keepFiles',
    'stripUsers',
    'overwrite',
    'limits',
    'onProgress',
    'signal',
  ]);
  if (typeof source === 'string' && (await sameFile(source, output))) {
    throw new InputError('mbz.output_is_input', `The output ${output} is the backup being read.`, {
      hint: 'Write the anonymised copy to another file.',
      details: { path: output },
    });
  }
  if (!options.overwrite && existsSync(output)) {
    throw new InputError('mbz.output_exists', `${output} exists already.`, {
      hint: 'Choose another name, or pass --force (overwrite: true) to replace it.',
      details: { path: output },
    });
  }
  const reader = await openArchive(source, { limits: options.limits });
  try {
    const file = await OutputFile.open(output);
    try {
      const context: PipelineContext = { makePlan: makePlanner(options, new Date()), options, output };
      const written = await run(reader, file, context);
      await file.commit();
      return written;
    } catch (error) {
      await file.abort();
      throw error;
    }
  } finally {
    await reader.close();
  }
}

async function run(
  reader: ArchiveReader,
  out: OutputFile,
  context: PipelineContext,
): Promise<AnonymiseReport> {
  const pipeline =
    reader.format === 'zip'
      ? (await import('./zip.js')).anonymiseZip
      : (await import('./tar.js')).anonymiseTarGz;
  const { result, tally } = await pipeline(reader, out, context);
  return {
    format: reader.format,
    output: context.output,
    mode: context.options.stripUsers ? 'users stripped' : 'anonymised',
    users: result.people,
    replaced: tally.toJSON(),
    files: {
      kept: result.files.kept,
      dropped: result.files.dropped,
      droppedBytes: result.files.droppedBytes,
    },
    entries: { written: result.written, rewritten: result.rewritten, droppedEntries: result.dropped },
  };
}
