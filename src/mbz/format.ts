/** The readable summary of a backup, as `mts mbz inspect` and the REPL's `.mbz` print it. */
import { createStyle, formatBytes, type Style } from '../core/format.js';
import type { BackupSummary } from './inspect.js';

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
  const lines = [
    `${style.bold(s.original.fullname)} (${s.original.shortname}, course ${s.original.courseId}) from ${s.original.wwwroot}`,
    `${s.type} backup, ${s.format}, made ${s.backupDate.toISOString()} by Moodle ${s.moodleRelease} (${s.moodleVersion}), mode ${s.manifest.modeName}`,
    `users: ${s.users ? `${s.users.count}${s.users.anonymised ? ' (anonymised)' : ''}` : 'no user data'}`,
    `files: ${s.files.count} (${formatBytes(s.files.totalBytes)}) in ${s.files.blobs} blobs`,
    `entries: ${s.entryCount}${s.archiveIndex ? `, .ARCHIVE_INDEX ${s.archiveIndex.matches ? style.green('matches') : style.red('does not match')}` : ''}`,
    '',
    `sections (${s.sections.length}):`,
  ];
  const visibility = new Map(s.inventory?.activities.map((a) => [a.moduleId, a]) ?? []);
  const flag = (moduleId: string): string => {
    const info = visibility.get(moduleId);
    if (!info) return '';
    if (!info.visible) return ` ${style.yellow('hidden')}`;
    return info.visibleOnCoursePage === false ? ` ${style.yellow('stealth')}` : '';
  };
  for (const section of s.sections) {
    lines.push(`  ${section.title} ${style.dim(`(id ${section.id})`)}`);
    for (const a of s.activities.filter((x) => x.sectionId === section.id)) {
      lines.push(
        `    ${a.modulename.padEnd(12)} ${a.title} ${style.dim(`(cm ${a.moduleId})`)}${flag(a.moduleId)}`,
      );
    }
  }
  const orphans = s.activities.filter((a) => !s.sections.some((x) => x.id === a.sectionId));
  for (const a of orphans)
    lines.push(
      `  ${a.modulename.padEnd(14)} ${a.title} ${style.dim(`(cm ${a.moduleId})`)}${flag(a.moduleId)}`,
    );
  const settings = Object.entries(s.settings).filter(([name]) => name !== 'filename');
  lines.push('', `settings: ${settings.map(([k, v]) => `${k}=${v ?? 'null'}`).join(' ')}`);
  if (s.inventory) {
    const inv = s.inventory;
    lines.push(
      `activities by module: ${
        Object.entries(inv.activitiesByModule)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || 'none'
      }, hidden from students: ${inv.hiddenActivities}`,
      `questions: ${inv.questions ? `${inv.questions.questions} in ${inv.questions.categories} categories (${inv.questions.model})` : 'none'}, qbank activities: ${inv.qbankActivities}`,
      `groups: ${inv.groups?.groups ?? 0}, groupings: ${inv.groups?.groupings ?? 0}, roles: ${(inv.roles ?? []).join(', ') || 'none'}`,
      `grade items: ${inv.grades.items}, enrolment methods: ${(inv.enrolmentMethods ?? []).map((m) => m.enrol).join(', ') || 'none'}`,
      `blocks: ${
        Object.entries(inv.blocks)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || 'none'
      }`,
    );
  }
  return lines.join('\n');
}
