/**
 * Generates Moodle-shaped backups on the fly: the same XML layout Moodle 4.5 writes (element names taken from the
 * real fixtures), any number of sections, activities, users and files, as course, section or activity backups,
 * in either packing. Used where the fixtures do not reach: size, variants and damage.
 */
import { createHash } from 'node:crypto';
import { type RawEntry, type TarVariant, tarGzBytes, zipBytes } from './archive-writers.js';

export interface BackupSpec {
  type?: 'course' | 'section' | 'activity';
  sections?: number;
  activities?: number;
  /** Module names cycled over the activities. */
  modules?: string[];
  blobs?: number;
  blobSize?: number;
  /** Users in users.xml; null for a backup made without user data. */
  users?: number | null;
  anonymise?: boolean;
  groups?: number;
  courseId?: string;
  siteHash?: string;
  date?: number;
  release?: string;
  /** Activity title by index. */
  title?: (i: number) => string;
  /** The course's full name (default "Generated & tested"). */
  fullname?: string;
  /** Whether activity `i` is visible to students (default: all are). */
  visible?: (i: number) => boolean;
  /** Write .ARCHIVE_INDEX first (tar.gz only, as Moodle does). */
  archiveIndex?: boolean;
  /** Put moodle_backup.xml first instead of near the end. */
  manifestFirst?: boolean;
  /** Extra raw entries appended (damage, hostile names). */
  extra?: RawEntry[];
  /** Entries to leave out by name. */
  omit?: string[];
  /** Replace the content of entries by name. */
  replace?: Record<string, string | Buffer>;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const xml = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;

export interface GeneratedActivity {
  moduleId: string;
  sectionId: string;
  modulename: string;
  title: string;
}

export interface GeneratedBackup {
  entries: RawEntry[];
  activities: GeneratedActivity[];
  sectionIds: string[];
  blobs: { hash: string; size: number; name: string }[];
}

export function blobContent(i: number, size: number): Buffer {
  const seed = Buffer.from(`blob-${i}-`);
  const out = Buffer.alloc(size);
  for (let o = 0; o < size; o += seed.length) seed.copy(out, o);
  return out;
}

export function generateBackup(spec: BackupSpec = {}): GeneratedBackup {
  const type = spec.type ?? 'course';
  const sectionCount = type === 'activity' ? 1 : (spec.sections ?? 2);
  const activityCount = spec.activities ?? 3;
  const modules = spec.modules ?? ['forum', 'page', 'resource', 'quiz', 'assign'];
  const sectionIds = Array.from({ length: sectionCount }, (_, i) => String(100 + i));
  const activities: GeneratedActivity[] = Array.from({ length: activityCount }, (_, i) => ({
    moduleId: String(1000 + i),
    sectionId: sectionIds[i % sectionCount] as string,
    modulename: modules[i % modules.length] as string,
    title: spec.title ? spec.title(i) : `Activity ${i}`,
  }));
  const blobs = Array.from({ length: spec.blobs ?? 2 }, (_, i) => {
    const body = blobContent(i, spec.blobSize ?? 100 + i);
    return {
      hash: createHash('sha1').update(body).digest('hex'),
      size: body.length,
      name: `file${i}.bin`,
      body,
    };
  });
  const users = spec.users === undefined ? 2 : spec.users;
  const date = spec.date ?? 1_700_000_000;
  const setting = (level: string, name: string, value: string, scope = '') =>
    `<setting><level>${level}</level>${scope}<name>${name}</name><value>${value}</value></setting>`;
  const settings = [
    setting('root', 'filename', 'generated.mbz'),
    setting('root', 'users', users === null ? '0' : '1'),
    setting('root', 'anonymize', spec.anonymise ? '1' : '0'),
    setting('root', 'files', '1'),
    ...(type === 'activity'
      ? []
      : sectionIds.map((id) =>
          setting('section', `section_${id}_included`, '1', `<section>section_${id}</section>`),
        )),
    ...activities.map((a) =>
      setting(
        'activity',
        `${a.modulename}_${a.moduleId}_included`,
        '1',
        `<activity>${a.modulename}_${a.moduleId}</activity>`,
      ),
    ),
  ];
  const manifest = xml(`<moodle_backup><information>
<name>generated.mbz</name><moodle_version>2024100706</moodle_version><moodle_release>${spec.release ?? '4.5.6 (Build: 20250811)'}</moodle_release>
<backup_version>2024100700</backup_version><backup_release>4.5</backup_release><backup_date>${date}</backup_date>
<mnet_remoteusers>0</mnet_remoteusers><include_files>1</include_files><include_file_references_to_external_content>0</include_file_references_to_external_content>
<original_wwwroot>https://lms.example.org</original_wwwroot><original_site_identifier_hash>${spec.siteHash ?? 'a'.repeat(32)}</original_site_identifier_hash>
<original_course_id>${spec.courseId ?? '7'}</original_course_id><original_course_format>topics</original_course_format>
<original_course_fullname>${esc(spec.fullname ?? 'Generated & tested')}</original_course_fullname><original_course_shortname>GEN</original_course_shortname>
<original_course_startdate>1699999999</original_course_startdate><original_course_enddate>0</original_course_enddate>
<original_course_contextid>50</original_course_contextid><original_system_contextid>1</original_system_contextid>
<details><detail backup_id="0123456789abcdef0123456789abcdef"><type>${type}</type><format>moodle2</format><interactive>0</interactive><mode>10</mode><execution>1</execution><executiontime>0</executiontime></detail></details>
<contents><activities>${activities.map((a) => `<activity><moduleid>${a.moduleId}</moduleid><sectionid>${a.sectionId}</sectionid><modulename>${a.modulename}</modulename><title>${esc(a.title)}</title><directory>activities/${a.modulename}_${a.moduleId}</directory><insubsection></insubsection></activity>`).join('')}</activities>
${type === 'activity' ? '' : `<sections>${sectionIds.map((id, i) => `<section><sectionid>${id}</sectionid><title>${i}</title><directory>sections/section_${id}</directory><parentcmid></parentcmid><modname></modname></section>`).join('')}</sections>`}
${type === 'course' ? `<course><courseid>${spec.courseId ?? '7'}</courseid><title>GEN</title><directory>course</directory></course>` : ''}</contents>
<settings>${settings.join('')}</settings></information></moodle_backup>`);
  const files = xml(
    `<files>${blobs.map((b, i) => `<file id="${i + 1}"><contenthash>${b.hash}</contenthash><contextid>60</contextid><component>mod_resource</component><filearea>content</filearea><itemid>0</itemid><filepath>/</filepath><filename>${b.name}</filename><userid>$@NULL@$</userid><filesize>${b.size}</filesize><mimetype>application/octet-stream</mimetype><status>0</status><timecreated>${date}</timecreated><timemodified>${date}</timemodified><source>$@NULL@$</source><author>$@NULL@$</author><license>$@NULL@$</license><sortorder>0</sortorder><repositorytype>$@NULL@$</repositorytype><repositoryid>$@NULL@$</repositoryid><reference>$@NULL@$</reference></file>`).join('')}<file id="999"><contenthash>da39a3ee5e6b4b0d3255bfef95601890afd80709</contenthash><contextid>60</contextid><component>mod_resource</component><filearea>content</filearea><itemid>0</itemid><filepath>/</filepath><filename>.</filename><userid>$@NULL@$</userid><filesize>0</filesize><mimetype>$@NULL@$</mimetype><status>0</status><timecreated>0</timecreated><timemodified>0</timemodified><source>$@NULL@$</source><author>$@NULL@$</author><license>$@NULL@$</license><sortorder>0</sortorder><repositorytype>$@NULL@$</repositorytype><repositoryid>$@NULL@$</repositoryid><reference>$@NULL@$</reference></file></files>`,
  );
  const body: RawEntry[] = [];
  const dirs = new Set<string>();
  const dir = (name: string) => {
    if (!dirs.has(name)) body.push({ name: `${name}/`, type: 'directory' });
    dirs.add(name);
  };
  dir('activities');
  for (const a of activities) {
    const d = `activities/${a.modulename}_${a.moduleId}`;
    dir(d);
    const visible = spec.visible ? spec.visible(activities.indexOf(a)) : true;
    body.push({
      name: `${d}/module.xml`,
      body: xml(
        `<module id="${a.moduleId}" version="2024100700"><modulename>${a.modulename}</modulename><sectionid>${a.sectionId}</sectionid><sectionnumber>0</sectionnumber><visible>${visible ? 1 : 0}</visible><visibleoncoursepage>1</visibleoncoursepage><availability>$@NULL@$</availability></module>`,
      ),
    });
    body.push({
      name: `${d}/${a.modulename}.xml`,
      body: xml(
        `<activity id="1" moduleid="${a.moduleId}" modulename="${a.modulename}" contextid="60"><${a.modulename} id="1"><name>${esc(a.title)}</name></${a.modulename}></activity>`,
      ),
    });
    body.push({
      name: `${d}/grades.xml`,
      body: xml(
        '<activity_gradebook><grade_items></grade_items><grade_letters></grade_letters></activity_gradebook>',
      ),
    });
  }
  if (type === 'course') {
    dir('course');
    body.push({
      name: 'course/course.xml',
      body: xml('<course id="7" contextid="50"><shortname>GEN</shortname></course>'),
    });
    body.push({
      name: 'course/enrolments.xml',
      body: xml(
        '<enrolments><enrols><enrol id="1"><enrol>manual</enrol><status>0</status><user_enrolments></user_enrolments></enrol></enrols></enrolments>',
      ),
    });
  }
  dir('files');
  for (const b of blobs) {
    dir(`files/${b.hash.slice(0, 2)}`);
    body.push({ name: `files/${b.hash.slice(0, 2)}/${b.hash}`, body: b.body });
  }
  body.push({ name: 'files.xml', body: files });
  const groups = Array.from(
    { length: spec.groups ?? 0 },
    (_, i) =>
      `<group id="${i + 1}"><name>G${i}</name><group_members><group_member id="${i + 1}"><userid>3</userid></group_member></group_members></group>`,
  );
  body.push({ name: 'groups.xml', body: xml(`<groups>${groups.join('')}<groupings></groupings></groups>`) });
  body.push({ name: 'questions.xml', body: xml('<question_categories></question_categories>') });
  body.push({
    name: 'roles.xml',
    body: xml(
      '<roles_definition><role id="5"><name></name><shortname>student</shortname></role></roles_definition>',
    ),
  });
  if (type !== 'activity') {
    dir('sections');
    sectionIds.forEach((id, i) => {
      dir(`sections/section_${id}`);
      const seq = activities
        .filter((a) => a.sectionId === id)
        .map((a) => a.moduleId)
        .join(',');
      body.push({
        name: `sections/section_${id}/section.xml`,
        body: xml(
          `<section id="${id}"><number>${i}</number><name>$@NULL@$</name><summary></summary><sequence>${seq}</sequence><visible>1</visible><component>$@NULL@$</component></section>`,
        ),
      });
    });
  }
  if (users !== null) {
    const list = Array.from(
      { length: users },
      (_, i) =>
        `<user id="${i + 2}" contextid="5"><username>user${i}</username><firstname>U</firstname></user>`,
    );
    body.push({ name: 'users.xml', body: xml(`<users>${list.join('')}</users>`) });
  }
  const manifestEntry: RawEntry = { name: 'moodle_backup.xml', body: manifest };
  let entries = spec.manifestFirst ? [manifestEntry, ...body] : [...body, manifestEntry];
  entries.push({ name: 'moodle_backup.log', body: '' }, ...(spec.extra ?? []));
  if (spec.omit) entries = entries.filter((e) => !spec.omit?.includes(e.name));
  if (spec.replace)
    entries = entries.map((e) =>
      spec.replace?.[e.name] !== undefined ? { ...e, body: spec.replace[e.name] } : e,
    );
  if (spec.archiveIndex !== false) {
    const lines = entries.map(
      (e) =>
        `${e.name}\t${e.type === 'directory' ? 'd' : 'f'}\t${e.type === 'directory' ? 0 : Buffer.byteLength(e.body ?? '')}\t${e.type === 'directory' ? '?' : date}`,
    );
    entries.unshift({
      name: '.ARCHIVE_INDEX',
      body: `Moodle archive file index. Count: ${lines.length}\n${lines.join('\n')}\n`,
    });
  }
  return {
    entries,
    activities,
    sectionIds,
    blobs: blobs.map(({ hash, size, name }) => ({ hash, size, name })),
  };
}

/** A generated backup packed as `format`. */
export function buildBackup(
  spec: BackupSpec,
  format: 'zip' | 'tar.gz',
  variant: TarVariant = 'ustar',
): Buffer {
  const { entries } = generateBackup(format === 'zip' ? { archiveIndex: false, ...spec } : spec);
  return format === 'zip' ? zipBytes(entries) : tarGzBytes(entries, variant);
}
