/**
 * What anonymisation does to each file of a backup, as rewrite rules. users.xml gets the fields Moodle's own
 * backup-time anonymiser replaces (backup/util/helper/backup_anonymizer_helper.class.php) and more: the phonetic
 * and alternate names, password hashes, custom profile fields, preferences, tags and role data Moodle leaves out
 * of an anonymised backup. Elsewhere what people wrote (posts, submissions, answers, comments, feedback) has its
 * words replaced, IP addresses become 127.0.0.1, log payloads are decoded and cleaned, and any name, email,
 * username, idnumber or IP of a user left in any text is replaced. With `strip`, user data goes altogether, as
 * when Moodle makes a backup without users.
 */
import type { ElementFate, RewriteRules } from '../xml/rewrite.js';
import { anonymous, type IdentifierReplacer, type Person } from './people.js';
import { scrubText } from './scrub.js';
import type { Tally } from './tally.js';

/** Everything the rules of one backup need to know. */
export interface Plan {
  strip: boolean;
  people: ReadonlyMap<string, Person>;
  replacer: IdentifierReplacer;
  tally: Tally;
  /** Ids of the files.xml records left out (their files were uploaded by users). */
  droppedFiles: ReadonlySet<string>;
  /** Settings of moodle_backup.xml to change, by name. */
  settings: ReadonlyMap<string, string>;
  /** What `_userinfo` settings become (`0` with strip), or undefined to keep them. */
  userinfo: string | undefined;
  /** The new backup file name (the `filename` setting and `<name>`). */
  filename: (name: string) => string;
  /** The comment that records the anonymisation in moodle_backup.xml. */
  note: string;
}

const NULL = '$@NULL@$';

/** users.xml fields and what they become (functions of the person's number); others go through the replacer. */
const USER_FIELDS: Record<string, (n: number) => string> = {
  username: (n) => anonymous(n).username,
  email: (n) => anonymous(n).email,
  firstname: (n) => anonymous(n).firstname,
  lastname: (n) => anonymous(n).lastname,
  auth: () => 'manual',
  city: () => 'Perth',
  country: () => 'AU',
  lastip: () => '127.0.0.1',
  picture: () => '0',
  descriptionformat: () => '0',
  ...Object.fromEntries(
    [
      'idnumber',
      'icq',
      'skype',
      'yahoo',
      'aim',
      'msn',
      'phone1',
      'phone2',
      'institution',
      'department',
      'address',
      'url',
      'description',
      'imagealt',
      'firstnamephonetic',
      'lastnamephonetic',
      'middlename',
      'alternatename',
      'moodlenetprofile',
      'password',
    ].map((field) => [field, () => '']),
  ),
};

/** Parts of a user that Moodle's anonymiser leaves out: emptied. */
const USER_PARTS = new Set(['custom_fields', 'tags', 'preferences', 'role_overrides', 'role_assignments']);

/** Elements that hold an IP address, wherever they are. */
const IP_ELEMENTS = new Set(['ip', 'lastip', 'ipaddress', 'remoteip']);

/**
 * What people wrote: [an element the field sits somewhere below, the field]. The container keeps teacher-written
 * fields of the same name (a forum's intro, a question's text) out.
 */
const AUTHORED: readonly [string, string][] = [
  ['posts', 'subject'],
  ['posts', 'message'],
  ['discussions', 'name'],
  ['submissions', 'onlinetext'],
  ['submissions', 'title'],
  ['submissions', 'content'],
  ['feedback_comments', 'commenttext'],
  ['comments', 'rawtext'],
  ['attempts', 'responsesummary'],
  ['attempts', 'useranswer'],
  ['entries', 'concept'],
  ['entries', 'definition'],
  ['aliases', 'alias_text'],
  ['records', 'content'],
  ['records', 'content1'],
  ['records', 'content2'],
  ['records', 'content3'],
  ['records', 'content4'],
  ['subwikis', 'title'],
  ['subwikis', 'cachedcontent'],
  ['versions', 'content'],
  ['assessments', 'feedbackauthor'],
  ['assessments', 'feedbackreviewer'],
  ['grades', 'peercomment'],
  ['completeds', 'value'],
  ['messages', 'message'],
  ['answers', 'answer1'],
  ['answers', 'answer2'],
  ['comments', 'content'],
  ['comments', 'comment'],
  ['commenthistories', 'content'],
  ['grade_grades', 'feedback'],
  ['results', 'response'],
  ['responses', 'response'],
];
const AUTHORED_FIELDS = new Map<string, string[]>();
for (const [container, field] of AUTHORED)
  AUTHORED_FIELDS.set(field, [...(AUTHORED_FIELDS.get(field) ?? []), container]);

/**
 * User data of an activity's own file (`activities/forum_5/forum.xml`), at depth 3 (`activity/forum/discussions`):
 * what Moodle writes only with user data. Emptied with strip.
 */
const ACTIVITY_USER_DATA = new Set([
  'discussions',
  'subscriptions',
  'digests',
  'readposts',
  'trackedprefs',
  'submissions',
  'grades',
  'userflags',
  'attempts',
  'entries',
  'records',
  'subwikis',
  'aggregations',
  'timers',
  'completeds',
  'completedtmps',
  'messages',
  'analysis',
  'logs',
  'comments',
  'rates',
  'progresses',
  'responses',
  'issues',
  'scoes_tracks',
]);
/** Activities whose `answers` (depth 3) are what users answered, not content. */
const ANSWERS_ARE_USER_DATA = new Set(['choice', 'survey']);

/** User data anywhere in a file: [element, what happens to it with strip]. */
const USER_DATA: ReadonlyMap<string, ElementFate> = new Map<string, ElementFate>([
  ['user_enrolments', 'empty'],
  ['role_assignments', 'empty'],
  ['group_members', 'empty'],
  ['grade_grades', 'empty'],
  ['course_completions', 'drop'],
  ['course_completion_crit_completions', 'empty'],
  ['completions', 'empty'],
  ['logs', 'empty'],
  ['logstores', 'empty'],
  ['user_competencies', 'empty'],
  ['states', 'empty'],
  ['issued', 'empty'],
  ['userref', 'empty'],
]);

function authored(path: readonly string[]): boolean {
  const containers = AUTHORED_FIELDS.get(path[path.length - 1] as string);
  if (!containers) return false;
  for (let i = 0; i < path.length - 1; i++) if (containers.includes(path[i] as string)) return true;
  return false;
}

/** The rules for the entry `name` of the backup. */
export function rulesFor(name: string, plan: Plan): RewriteRules {
  if (name === 'users.xml') return usersRules(plan);
  if (name === 'moodle_backup.xml') return manifestRules(plan);
  if (name === 'files.xml') return filesRules(plan);
  return contentRules(name, plan);
}

/** The replacer over every attribute value. */
function attribute(plan: Plan) {
  return (_path: readonly string[], _name: string, value: string) => plan.replacer.replace(value);
}

function usersRules(plan: Plan): RewriteRules {
  let person: Person | undefined;
  return {
    element(path, attributes) {
      if (path.length === 2 && path[1] === 'user') person = plan.people.get(attributes.id ?? '');
      if (path.length >= 3 && path[1] === 'user' && USER_PARTS.has(path[path.length - 1] as string))
        return 'empty';
      return 'keep';
    },
    left: () => plan.tally.add('user records left out'),
    text(path, text) {
      const field = path.length === 3 && path[1] === 'user' ? USER_FIELDS[path[2] as string] : undefined;
      if (field && person && text !== NULL) {
        plan.tally.add('user fields');
        return field(person.n);
      }
      return plan.replacer.replace(text);
    },
    attribute: attribute(plan),
  };
}

function manifestRules(plan: Plan): RewriteRules {
  let setting = '';
  return {
    prolog: `<!-- ${plan.note} -->`,
    text(path, text) {
      const leaf = path[path.length - 1];
      if (path.length === 3 && leaf === 'name') return plan.filename(text);
      // The site's own address names no one, and restore compares it: kept as it is.
      if (path.length === 3 && leaf === 'original_wwwroot') return undefined;
      if (path[path.length - 2] === 'setting') {
        if (leaf === 'name') setting = text;
        else if (leaf === 'value') {
          if (setting === 'filename') return plan.filename(text);
          const value = plan.settings.get(setting);
          if (value !== undefined) return value;
          if (plan.userinfo !== undefined && setting.endsWith('_userinfo')) return plan.userinfo;
        }
      }
      return plan.replacer.replace(text);
    },
    attribute: attribute(plan),
  };
}

function filesRules(plan: Plan): RewriteRules {
  return {
    element: (path) => (path.length === 2 && path[1] === 'file' ? 'hold' : 'keep'),
    held: (_path, _fields, attributes) => !plan.droppedFiles.has(attributes.id ?? ''),
    left: () => plan.tally.add('file records left out'),
    text: (_path, text) => plan.replacer.replace(text),
    attribute: attribute(plan),
  };
}

/** Every other XML file: what people wrote, IP addresses, log payloads, identifiers, and user data with strip. */
function contentRules(name: string, plan: Plan): RewriteRules {
  const activity = /^activities\/([a-z0-9]+)_[^/]+\/\1\.xml$/.exec(name)?.[1];
  const inforef = name.endsWith('inforef.xml');
  const calendar = name.endsWith('calendar.xml');
  let variable = '';
  return {
    element(path) {
      const leaf = path[path.length - 1] as string;
      if (inforef && path.length === 3 && path[1] === 'fileref') return 'hold';
      if (!plan.strip) return 'keep';
      if (calendar && path.length === 2 && leaf === 'event') return 'hold';
      if (leaf === 'override' && path[path.length - 2] === 'overrides') return 'hold';
      if (activity && path.length === 3 && path[0] === 'activity') {
        if (ACTIVITY_USER_DATA.has(leaf) || (leaf === 'answers' && ANSWERS_ARE_USER_DATA.has(activity))) {
          return 'empty';
        }
      }
      if (activity === 'lesson' && (leaf === 'attempts' || leaf === 'branches')) return 'empty';
      return USER_DATA.get(leaf) ?? 'keep';
    },
    left(path) {
      plan.tally.add(
        inforef && path[1] === 'fileref' ? 'file references left out' : 'user data records left out',
      );
    },
    held(path, fields) {
      const leaf = path[path.length - 1];
      if (inforef) return !plan.droppedFiles.has(fields.id ?? '');
      // Events of a user and overrides for one user are user data; group and course ones stay.
      if (leaf === 'event') return fields.eventtype !== 'user';
      return fields.userid === undefined || fields.userid === '' || fields.userid === NULL;
    },
    text(path, text) {
      if (text === NULL) return undefined;
      const leaf = path[path.length - 1] as string;
      if (IP_ELEMENTS.has(leaf)) {
        if (text === '' || text === '127.0.0.1') return undefined;
        plan.tally.add('ips');
        return '127.0.0.1';
      }
      if (path[path.length - 2] === 'variable') {
        if (leaf === 'name') variable = text;
        // Step data: what the student answered; names starting with _ or - are the question engine's own.
        else if (leaf === 'value' && !/^[_-]/.test(variable) && path.includes('steps'))
          return scrub(plan, text);
      }
      if (leaf === 'other' && path[path.length - 2]?.startsWith('logstore_')) return logPayload(plan, text);
      if (authored(path)) return scrub(plan, text);
      return plan.replacer.replace(text);
    },
    attribute: attribute(plan),
  };
}

function scrub(plan: Plan, text: string): string {
  plan.tally.add('texts people wrote');
  return scrubText(text);
}

/**
 * The `other` data of a log record: base64 of JSON (Moodle 3.x+) or of PHP serialize() (older). Identifiers in
 * its strings are replaced; serialized strings get their lengths fixed.
 */
function logPayload(plan: Plan, text: string): string {
  if (!/^[A-Za-z0-9+/]+=*$/.test(text)) return plan.replacer.replace(text);
  const decoded = Buffer.from(text, 'base64').toString('utf8');
  let replaced: string;
  if (decoded.startsWith('{') || decoded.startsWith('[')) {
    replaced = plan.replacer.replace(decoded);
  } else if (/^[aOsibdN][:;]/.test(decoded)) {
    replaced = reserialize(decoded, plan);
  } else return text;
  if (replaced === decoded) return text;
  plan.tally.add('log payloads');
  return Buffer.from(replaced, 'utf8').toString('base64');
}

/** PHP serialize() output with identifiers replaced inside its strings, each string's byte length rewritten. */
function reserialize(serialized: string, plan: Plan): string {
  const bytes = Buffer.from(serialized, 'utf8');
  let out = '';
  let at = 0;
  const marker = /s:(\d+):"/g;
  const text = bytes.toString('latin1');
  for (let m = marker.exec(text); m !== null; m = marker.exec(text)) {
    const length = Number(m[1]);
    const start = m.index + m[0].length;
    if (start + length > bytes.length) break;
    const value = bytes.subarray(start, start + length).toString('utf8');
    const replaced = plan.replacer.replace(value);
    out += bytes.subarray(at, m.index).toString('utf8');
    out += `s:${Buffer.byteLength(replaced)}:"${replaced}`;
    at = start + length;
    marker.lastIndex = at;
  }
  return out + bytes.subarray(at).toString('utf8');
}
