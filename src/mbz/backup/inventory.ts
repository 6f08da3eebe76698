/**
 * Readers of the XML files an inventory reads, each reducing one file to counts or a few fields as it is scanned
 * (see {@link recordHandler}): what they keep is bounded by `maxRecords`, whatever the file holds.
 */
import { detach, recordHandler, text, tooManyRecords, type XmlFields } from '../xml/records.js';
import type { XmlHandler } from '../xml/scan.js';

/** A section as `sections/section_N/section.xml` describes it. */
export interface SectionInfo {
  sectionId: string;
  /** Position in the course (0 is the general section). */
  number: string;
  /** Its name, or null when it uses the default name. */
  name: string | null;
  visible: boolean;
  /** Course module ids in display order. */
  sequence: string[];
  /** Component a delegated section belongs to (`mod_subsection`), else null. */
  component: string | null;
}

/** An activity as its `activities/<modulename>_<id>/module.xml` describes it. */
export interface ActivityInfo {
  moduleId: string;
  modulename: string;
  sectionId: string;
  /** Position of its section in the course. */
  sectionNumber: string;
  /** Shown to students (`visible` = 1); a hidden activity is only seen by teachers. */
  visible: boolean;
  /**
   * Shown on the course page (Moodle 3.3+). `visible` and not this is a "stealth" activity, reachable by link
   * only; null when the backup predates the setting.
   */
  visibleOnCoursePage: boolean | null;
  /** Access restrictions as Moodle's availability JSON, or null when there are none. */
  availability: string | null;
}

/** A user of `users.xml`, reduced to who it is. */
export interface BackupUser {
  id: string;
  username: string;
}

/** Users in `users.xml`. */

/** Groups, groupings and memberships in `groups.xml`. */
export interface GroupsSummary {
  groups: number;
  groupings: number;
  members: number;
}

/** Role definitions in `roles.xml` (shortnames). */

/** Grade items of `gradebook.xml` or of an activity's `grades.xml`, by item type. */
export interface GradeTally {
  items: number;
  categories: number;
  byType: Record<string, number>;
}

/** The question bank content of `questions.xml`. */
export interface QuestionsSummary {
  categories: number;
  /** Question rows (every version counts once). */
  questions: number;
  /** Question bank entries (Moodle 4.0+); 0 for older backups. */
  bankEntries: number;
  /** `pre-4.0` (questions directly in categories), `4.0+` (bank entries and versions), or `none`. */
  model: 'pre-4.0' | '4.0+' | 'none';
  byQtype: Record<string, number>;
  /** Categories by context level (50 course, 70 module, 40 course category, 10 system). */
  categoriesByContextLevel: Record<string, number>;
}

/** An enrolment method instance of `course/enrolments.xml`. */
export interface EnrolmentMethod {
  id: string;
  /** Plugin name: manual, self, guest, cohort, meta... */
  enrol: string;
  /** True when the instance is enabled (status 0). */
  enabled: boolean;
  /** User enrolments it carries (0 without user data). */
  userEnrolments: number;
}

/** The block name of a `blocks/<name>_<id>/block.xml`. */

/** Counts items kept from one file against `maxRecords`. */
function keeper(path: string, maxRecords: number): () => void {
  let kept = 0;
  return () => {
    if (++kept > maxRecords) throw tooManyRecords(path, maxRecords);
  };
}

export function sectionReader(path: string, onSection: (section: SectionInfo) => void): XmlHandler {
  return recordHandler(path, [
    {
      path: 'section',
      record(f, attributes) {
        const sequence = text(f, 'sequence');
        onSection({
          sectionId: attributes?.id ?? '',
          number: text(f, 'number'),
          name: f.name ?? null,
          visible: text(f, 'visible') !== '0',
          sequence: sequence ? sequence.split(',').filter(Boolean) : [],
          component: f.component ?? null,
        });
      },
    },
  ]);
}

export function moduleReader(path: string, onModule: (module: ActivityInfo) => void): XmlHandler {
  return recordHandler(path, [
    {
      path: 'module',
      record(f, attributes) {
        const onPage = f.visibleoncoursepage;
        onModule({
          moduleId: attributes?.id ?? '',
          modulename: text(f, 'modulename'),
          sectionId: text(f, 'sectionid'),
          sectionNumber: text(f, 'sectionnumber'),
          visible: text(f, 'visible') !== '0',
          visibleOnCoursePage: onPage === undefined || onPage === null ? null : onPage !== '0',
          availability: f.availability || null,
        });
      },
    },
  ]);
}

/** Users of `users.xml`; `onUser` is called for each (a counter keeps nothing). */
export function usersReader(path: string, onUser: (user: BackupUser) => void): XmlHandler {
  return recordHandler(path, [
    {
      path: 'users/user',
      record: (f, attributes) => onUser({ id: attributes?.id ?? '', username: text(f, 'username') }),
    },
  ]);
}

export function groupsReader(path: string, into: GroupsSummary): XmlHandler {
  return recordHandler(path, [
    { path: 'groups/group', record: () => void into.groups++ },
    { path: 'groups/group/group_members/group_member', record: () => void into.members++ },
    { path: 'groups/groupings/grouping', record: () => void into.groupings++ },
  ]);
}

/** Role shortnames of `roles.xml`. */
export function rolesReader(path: string, into: string[], maxRecords: number): XmlHandler {
  const keep = keeper(path, maxRecords);
  return recordHandler(path, [
    {
      path: 'roles_definition/role',
      record(f) {
        keep();
        into.push(detach(text(f, 'shortname')));
      },
    },
  ]);
}

/** Grade items of `gradebook.xml` or of an activity's `grades.xml`, by item type, added into `into`. */
export function gradesReader(path: string, into: GradeTally): XmlHandler {
  const item = (f: XmlFields) => {
    into.items++;
    const type = text(f, 'itemtype') || 'unknown';
    into.byType[type] = (into.byType[type] ?? 0) + 1;
  };
  const category = () => void into.categories++;
  return recordHandler(path, [
    { path: 'gradebook/grade_items/grade_item', record: item },
    { path: 'activity_gradebook/grade_items/grade_item', record: item },
    { path: 'gradebook/grade_categories/grade_category', record: category },
    { path: 'activity_gradebook/grade_categories/grade_category', record: category },
  ]);
}

export function emptyQuestionsSummary(): QuestionsSummary {
  return {
    categories: 0,
    questions: 0,
    bankEntries: 0,
    model: 'none',
    byQtype: {},
    categoriesByContextLevel: {},
  };
}

/** The question bank of `questions.xml`, counted into `into` (its model is settled once the file ends). */
export function questionsReader(path: string, into: QuestionsSummary): XmlHandler {
  const category = 'question_categories/question_category';
  const question = (f: XmlFields) => {
    into.questions++;
    const qtype = text(f, 'qtype') || 'unknown';
    into.byQtype[qtype] = (into.byQtype[qtype] ?? 0) + 1;
  };
  let modern = false;
  return recordHandler(path, [
    {
      path: category,
      record(f) {
        into.categories++;
        const level = text(f, 'contextlevel') || 'unknown';
        into.categoriesByContextLevel[level] = (into.categoriesByContextLevel[level] ?? 0) + 1;
        if (into.categories > 0) into.model = modern ? '4.0+' : 'pre-4.0';
      },
    },
    { path: `${category}/questions/question`, record: question },
    {
      path: `${category}/question_bank_entries`,
      start() {
        modern = true;
      },
      record() {},
    },
    { path: `${category}/question_bank_entries/question_bank_entry`, record: () => void into.bankEntries++ },
    {
      path: `${category}/question_bank_entries/question_bank_entry/question_version/question_versions/questions/question`,
      record: question,
    },
  ]);
}

/** Enrolment methods of `course/enrolments.xml`. */
export function enrolmentsReader(path: string, into: EnrolmentMethod[], maxRecords: number): XmlHandler {
  const keep = keeper(path, maxRecords);
  let userEnrolments = 0;
  return recordHandler(path, [
    {
      path: 'enrolments/enrols/enrol',
      start() {
        userEnrolments = 0;
      },
      record(f, attributes) {
        keep();
        into.push({
          id: detach(attributes?.id ?? ''),
          enrol: detach(text(f, 'enrol')),
          enabled: text(f, 'status') === '0',
          userEnrolments,
        });
      },
    },
    { path: 'enrolments/enrols/enrol/user_enrolments/enrolment', record: () => void userEnrolments++ },
  ]);
}

/** The block name of a `blocks/<name>_<id>/block.xml`. */
export function blockReader(path: string, onBlock: (name: string) => void): XmlHandler {
  return recordHandler(path, [{ path: 'block', record: (f) => onBlock(text(f, 'blockname') || 'unknown') }]);
}
