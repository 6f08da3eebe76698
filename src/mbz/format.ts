/** The readable summary of a backup, as `mts mbz inspect` and the REPL's `.mbz` print it. */
import { createStyle, formatBytes, type Style } from '../core/format.js';
import type { BackupSummary } from './inspect.js';

/**
 * `text` safe to print on one line: line breaks, tabs and other control characters (an escape sequence in a
 * course name could restyle or rewrite a terminal) are shown escaped, as `\n` or `\u001b`.
 *
 * @example
 * ```ts
 * printable('Week 1\nIntro'); // 'Week 1\\nIntro'
 * ```
 */
export function printable(text: string): string {
  return CONTROL.test(text) ? text.replace(CONTROL_ALL, escaped) : text;
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escaped(c: string): string {
  return NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * A backup summary as text a person reads: course, Moodle release, users, files, sections with their activities,
 * root settings, and the inventory when it was asked for. Colours only when `style` has them enabled.
 *
 * @example
 * ```ts
 * console.log(formatSummary(await inspectBackup('backup.mbz')));
 * ```
 */
export function formatSummary(s: BackupSummary, style: Style = createStyle(false)): string {
  const p = printable;
  const lines = [
    `${style.bold(p(s.original.fullname))} (${p(s.original.shortname)}, course ${p(s.original.courseId)}) from ${p(s.original.wwwroot)}`,
    `${s.type} backup, ${s.format}, made ${s.backupDate.toISOString()} by Moodle ${p(s.moodleRelease)} (${p(s.moodleVersion)}), mode ${s.manifest.modeName}`,
    `users: ${s.users ? `${s.users.count}${s.users.anonymised ? ' (anonymised)' : ''}` : 'no user data'}`,
    `files: ${s.files.count} (${formatBytes(s.files.totalBytes)}) in ${s.files.blobs} blobs`,
    `entries: ${s.entryCount}${s.archiveIndex ? `, .ARCHIVE_INDEX ${s.archiveIndex.matches ? style.green('matches') : style.red('does not match')}` : ''}`,
  ];
  for (const warning of s.warnings.slice(0, 5))
    lines.push(`${style.yellow('warning')} ${p(warning.message)}`);
  if (s.warnings.length > 5) lines.push(`${style.yellow('warning')} ... and ${s.warnings.length - 5} more`);
  lines.push('', `sections (${s.sections.length}):`);
  const visibility = new Map(s.inventory?.activities.map((a) => [a.moduleId, a]) ?? []);
  const flag = (moduleId: string): string => {
    const info = visibility.get(moduleId);
    if (!info) return '';
    if (!info.visible) return ` ${style.yellow('hidden')}`;
    return info.visibleOnCoursePage === false ? ` ${style.yellow('stealth')}` : '';
  };
  for (const section of s.sections) {
    lines.push(`  ${p(section.title)} ${style.dim(`(id ${p(section.id)})`)}`);
    for (const a of s.activities.filter((x) => x.sectionId === section.id)) {
      lines.push(
        `    ${p(a.modulename).padEnd(12)} ${p(a.title)} ${style.dim(`(cm ${p(a.moduleId)})`)}${flag(a.moduleId)}`,
      );
    }
  }
  const orphans = s.activities.filter((a) => !s.sections.some((x) => x.id === a.sectionId));
  for (const a of orphans)
    lines.push(
      `  ${p(a.modulename).padEnd(14)} ${p(a.title)} ${style.dim(`(cm ${p(a.moduleId)})`)}${flag(a.moduleId)}`,
    );
  const settings = Object.entries(s.settings).filter(([name]) => name !== 'filename');
  lines.push('', `settings: ${settings.map(([k, v]) => `${p(k)}=${p(v ?? 'null')}`).join(' ')}`);
  if (s.inventory) {
    const inv = s.inventory;
    lines.push(
      `activities by module: ${
        Object.entries(inv.activitiesByModule)
          .map(([k, v]) => `${p(k)} ${v}`)
          .join(', ') || 'none'
      }, hidden from students: ${inv.hiddenActivities}`,
      `questions: ${inv.questions ? `${inv.questions.questions} in ${inv.questions.categories} categories (${inv.questions.model})` : 'none'}, qbank activities: ${inv.qbankActivities}`,
      `groups: ${inv.groups?.groups ?? 0}, groupings: ${inv.groups?.groupings ?? 0}, roles: ${p((inv.roles ?? []).join(', ')) || 'none'}`,
      `grade items: ${inv.grades.items}, enrolment methods: ${p((inv.enrolmentMethods ?? []).map((m) => m.enrol).join(', ')) || 'none'}`,
      `blocks: ${
        Object.entries(inv.blocks)
          .map(([k, v]) => `${p(k)} ${v}`)
          .join(', ') || 'none'
      }`,
    );
  }
  return lines.join('\n');
}
