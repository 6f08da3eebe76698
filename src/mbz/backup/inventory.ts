/** Parsers of the XML files an inventory reads, each reducing one file to counts. */
import { attr, child, children, parseXml, str, textOf, type XmlNode } from '../xml/tree.js';

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

export function parseSectionXml(content: Buffer, path: string): SectionInfo {
  const section = parseXml(content, path).section;
  const sequence = str(section, 'sequence');
  return {
    sectionId: attr(section, 'id') ?? '',
    number: str(section, 'number'),
    name: textOf(section, 'name') ?? null,
    visible: str(section, 'visible') !== '0',
    sequence: sequence ? sequence.split(',').filter(Boolean) : [],
    component: textOf(section, 'component') ?? null,
  };
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

export function parseModuleXml(content: Buffer, path: string): ActivityInfo {
  const module = parseXml(content, path).module;
  const onPage = textOf(module, 'visibleoncoursepage');
  return {
    moduleId: attr(module, 'id') ?? '',
    modulename: str(module, 'modulename'),
    sectionId: str(module, 'sectionid'),
    sectionNumber: str(module, 'sectionnumber'),
    visible: str(module, 'visible') !== '0',
    visibleOnCoursePage: onPage === undefined || onPage === null ? null : onPage !== '0',
    availability: textOf(module, 'availability') || null,
  };
}

/** A user of `users.xml`, reduced to who it is. */
export interface BackupUser {
  id: string;
  username: string;
}

/** Users in `users.xml`. */
export function parseUsersXml(content: Buffer, path: string): BackupUser[] {
  return children(parseXml(content, path).users, 'user').map((user) => ({
    id: attr(user, 'id') ?? '',
    username: str(user, 'username'),
  }));
}

/** Groups, groupings and memberships in `groups.xml`. */
export interface GroupsSummary {
  groups: number;
  groupings: number;
  members: number;
}

export function parseGroupsXml(content: Buffer, path: string): GroupsSummary {
  const root = parseXml(content, path).groups;
  const groups = children(root, 'group');
  return {
    groups: groups.length,
    groupings: children(child(root, 'groupings'), 'grouping').length,
    members: groups.reduce(
      (sum, group) => sum + children(child(group, 'group_members'), 'group_member').length,
      0,
    ),
  };
}

/** Role definitions in `roles.xml` (shortnames). */
export function parseRolesXml(content: Buffer, path: string): string[] {
  return children(parseXml(content, path).roles_definition, 'role').map((role) => str(role, 'shortname'));
}

/** Grade items of `gradebook.xml` or of an activity's `grades.xml`, by item type. */
export interface GradeTally {
  items: number;
  categories: number;
  byType: Record<string, number>;
}

export function parseGradesXml(content: Buffer, path: string, into: GradeTally): void {
  const doc = parseXml(content, path);
  const root = doc.gradebook ?? doc.activity_gradebook;
  for (const item of children(child(root, 'grade_items'), 'grade_item')) {
    into.items++;
    const type = str(item, 'itemtype') || 'unknown';
    into.byType[type] = (into.byType[type] ?? 0) + 1;
  }
  into.categories += children(child(root, 'grade_categories'), 'grade_category').length;
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

export function parseQuestionsXml(content: Buffer, path: string): QuestionsSummary {
  const summary: QuestionsSummary = {
    categories: 0,
    questions: 0,
    bankEntries: 0,
    model: 'none',
    byQtype: {},
    categoriesByContextLevel: {},
  };
  const count = (question: XmlNode) => {
    summary.questions++;
    const qtype = str(question, 'qtype') || 'unknown';
    summary.byQtype[qtype] = (summary.byQtype[qtype] ?? 0) + 1;
  };
  let modern = false;
  for (const category of children(parseXml(content, path).question_categories, 'question_category')) {
    summary.categories++;
    const level = str(category, 'contextlevel') || 'unknown';
    summary.categoriesByContextLevel[level] = (summary.categoriesByContextLevel[level] ?? 0) + 1;
    for (const question of children(child(category, 'questions'), 'question')) count(question);
    const bank = child(category, 'question_bank_entries');
    if (bank !== undefined) modern = true;
    for (const entry of children(bank, 'question_bank_entry')) {
      summary.bankEntries++;
      for (const versions of children(child(entry, 'question_version'), 'question_versions')) {
        for (const question of children(child(versions, 'questions'), 'question')) count(question);
      }
    }
  }
  if (summary.categories > 0) summary.model = modern ? '4.0+' : 'pre-4.0';
  return summary;
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

export function parseEnrolmentsXml(content: Buffer, path: string): EnrolmentMethod[] {
  const enrols = child(parseXml(content, path).enrolments, 'enrols');
  return children(enrols, 'enrol').map((node) => ({
    id: attr(node, 'id') ?? '',
    enrol: str(node, 'enrol'),
    enabled: str(node, 'status') === '0',
    userEnrolments: children(child(node, 'user_enrolments'), 'enrolment').length,
  }));
}

/** The block name of a `blocks/<name>_<id>/block.xml`. */
export function parseBlockXml(content: Buffer, path: string): string {
  return str(parseXml(content, path).block, 'blockname') || 'unknown';
}
