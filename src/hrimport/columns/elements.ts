/**
 * The HR Import elements and every column Totara's CSV sources read, with the checks each column gets and an
 * example value for templates. Column names, lengths and meanings follow Totara's `tool_totara_sync` sources.
 */

/** The elements HR Import can read from `csv/ready/<element>.csv`. */
export type ElementName = 'user' | 'jobassignment' | 'org' | 'pos' | 'comp';

/** Every element name, in the order Totara imports them (hierarchies before users before job assignments). */
export const ELEMENT_NAMES: readonly ElementName[] = ['org', 'pos', 'comp', 'user', 'jobassignment'];

/** How a column's values are checked. */
export type ColumnKind =
  | 'text'
  | 'idnumber'
  | 'flag'
  | 'date'
  | 'email'
  | 'country'
  | 'username'
  | 'timezone'
  | 'lang'
  | 'auth'
  | 'secret'
  | 'aggregation'
  | 'availability';

/** One column of an element file. */
export interface ColumnDefinition {
  /** The CSV header name, exactly as Totara expects it. */
  readonly name: string;
  readonly kind: ColumnKind;
  /** Longest value Totara stores (characters); longer values make it skip the row. */
  readonly maxLength?: number | undefined;
  /** What the column means, for templates and help. */
  readonly description: string;
  /** A plausible value, for templates. */
  readonly example: string;
}

/** An element: its file name and columns. */
export interface ElementDefinition {
  readonly name: ElementName;
  /** `user.csv`, `jobassignment.csv`... */
  readonly file: string;
  /** A short human title. */
  readonly title: string;
  readonly columns: readonly ColumnDefinition[];
  /** True when `customfield_<shortname>` columns are allowed. */
  readonly customFields: boolean;
  /** True for org/pos/comp (framework, parent, type). */
  readonly hierarchy: boolean;
}

const c = (
  name: string,
  kind: ColumnKind,
  maxLength: number | undefined,
  description: string,
  example: string,
): ColumnDefinition => ({ name, kind, maxLength, description, example });

const TIMEMODIFIED = c(
  'timemodified',
  'date',
  undefined,
  'When the source last changed the record (date format or Unix time); 0 or empty = always apply. Rows whose value equals the stored one are skipped.',
  '0',
);
const DELETED = c(
  'deleted',
  'flag',
  undefined,
  '1 = remove this record (suspend/delete per settings), 0 = keep. Required unless the source contains all records.',
  '0',
);

const USER_COLUMNS: readonly ColumnDefinition[] = [
  c('idnumber', 'idnumber', 255, 'Unique, stable ID of the person in the HR system.', 'E1001'),
  TIMEMODIFIED,
  c('username', 'username', 100, 'Login name; lower case (Totara lower-cases it).', 'jsmith'),
  DELETED,
  c('firstname', 'text', 100, 'First name; required when creating users.', 'Jane'),
  c('lastname', 'text', 100, 'Last name; required when creating users.', 'Smith'),
  c('firstnamephonetic', 'text', 255, 'Phonetic first name.', ''),
  c('lastnamephonetic', 'text', 255, 'Phonetic last name.', ''),
  c('middlename', 'text', 255, 'Middle name.', ''),
  c('alternatename', 'text', 255, 'Alternate name.', ''),
  c(
    'email',
    'email',
    100,
    'Email address; unique unless duplicate emails are allowed.',
    'jane.smith@example.org',
  ),
  c('emailstop', 'flag', undefined, '1 = do not send email to this user.', '0'),
  c('city', 'text', 120, 'City or town.', 'Wellington'),
  c('country', 'country', 2, 'ISO 3166-1 alpha-2 code, upper case (NZ, GB, US).', 'NZ'),
  c(
    'timezone',
    'timezone',
    100,
    'Time zone name (Pacific/Auckland) or 99 for the server default.',
    'Pacific/Auckland',
  ),
  c('lang', 'lang', 30, 'Language pack code (en, fr, pt_br).', 'en'),
  c('description', 'text', undefined, 'Profile description.', ''),
  c('url', 'text', 255, 'Web page.', ''),
  c('institution', 'text', 255, 'Institution.', 'Example Ltd'),
  c('department', 'text', 255, 'Department.', 'Finance'),
  c('phone1', 'text', 20, 'Phone.', '+64 4 555 0100'),
  c('phone2', 'text', 20, 'Mobile phone.', ''),
  c('address', 'text', 255, 'Postal address.', ''),
  c(
    'auth',
    'auth',
    20,
    'Authentication plugin (manual, saml2, ldap...); must not be empty when present.',
    'manual',
  ),
  c('password', 'secret', 255, 'Initial password (plain text); empty = generated for new users.', ''),
  c('suspended', 'flag', undefined, '1 = suspended. Ignored when the delete action is "suspend".', '0'),
];

const JOB_COLUMNS: readonly ColumnDefinition[] = [
  c('idnumber', 'idnumber', 100, 'ID of the job assignment, unique per user.', 'JA1'),
  c('useridnumber', 'idnumber', 255, 'idnumber of the user holding the job.', 'E1001'),
  TIMEMODIFIED,
  DELETED,
  c('fullname', 'text', 255, 'Job title.', 'Accountant'),
  c('startdate', 'date', undefined, 'Start date (date format or Unix time).', '01/02/2024'),
  c('enddate', 'date', undefined, 'End date; not before the start date.', ''),
  c('orgidnumber', 'idnumber', 100, 'idnumber of the organisation.', 'ORG-FIN'),
  c('posidnumber', 'idnumber', 100, 'idnumber of the position.', 'POS-FIN'),
  c('manageridnumber', 'idnumber', 255, 'idnumber of the manager (a user).', 'E0001'),
  c(
    'managerjobassignmentidnumber',
    'idnumber',
    100,
    "idnumber of the manager's job assignment; required with manageridnumber unless ID numbers are updated.",
    'JA1',
  ),
  c('appraiseridnumber', 'idnumber', 255, 'idnumber of the appraiser (a user).', ''),
  c('tempmanageridnumber', 'idnumber', 255, 'idnumber of a temporary manager (a user).', ''),
  c(
    'tempmanagerjobassignmentidnumber',
    'idnumber',
    100,
    "idnumber of the temporary manager's job assignment.",
    '',
  ),
  c('tempmanagerexpirydate', 'date', undefined, 'When the temporary manager stops; required with one.', ''),
];

const hierarchyColumns = (prefix: string, fullnameLength: number): ColumnDefinition[] => [
  c('idnumber', 'idnumber', 100, 'Unique ID of the item.', `${prefix}-FIN`),
  c('fullname', 'text', fullnameLength, 'Full name.', 'Finance'),
  c('shortname', 'text', 100, 'Short name.', 'FIN'),
  DELETED,
  c('description', 'text', undefined, 'Description.', ''),
  c('frameworkidnumber', 'idnumber', 100, 'idnumber of the framework the item belongs to.', `${prefix}FW`),
  c('parentidnumber', 'idnumber', 100, 'idnumber of the parent item; empty = top level.', ''),
  c('typeidnumber', 'idnumber', 100, 'idnumber of the type; required when custom fields are imported.', ''),
  TIMEMODIFIED,
];

/** Every element definition, keyed by name. */
export const ELEMENTS: Readonly<Record<ElementName, ElementDefinition>> = Object.freeze({
  user: {
    name: 'user',
    file: 'user.csv',
    title: 'Users',
    columns: USER_COLUMNS,
    customFields: true,
    hierarchy: false,
  },
  jobassignment: {
    name: 'jobassignment',
    file: 'jobassignment.csv',
    title: 'Job assignments',
    columns: JOB_COLUMNS,
    customFields: false,
    hierarchy: false,
  },
  org: {
    name: 'org',
    file: 'org.csv',
    title: 'Organisations',
    columns: hierarchyColumns('ORG', 255),
    customFields: true,
    hierarchy: true,
  },
  pos: {
    name: 'pos',
    file: 'pos.csv',
    title: 'Positions',
    columns: hierarchyColumns('POS', 255),
    customFields: true,
    hierarchy: true,
  },
  comp: {
    name: 'comp',
    file: 'comp.csv',
    title: 'Competencies',
    columns: [
      ...hierarchyColumns('COMP', 1024),
      c('aggregationmethod', 'aggregation', undefined, 'ALL, ANY or OFF (or 1, 2, 3).', 'ALL'),
      c('assignavailability', 'availability', undefined, 'none, self, other or any (or 0, 1, 2).', 'any'),
    ],
    customFields: true,
    hierarchy: true,
  },
});

/** True when `name` is an element name. */
export function isElementName(name: string): name is ElementName {
  return Object.hasOwn(ELEMENTS, name);
}

/** The definition of a column of an element, or undefined (custom fields are not listed). */
export function columnOf(element: ElementName, name: string): ColumnDefinition | undefined {
  return ELEMENTS[element].columns.find((col) => col.name === name);
}

/** The prefix of custom field columns. */
export const CUSTOM_FIELD_PREFIX = 'customfield_';

/**
 * Which element a file name belongs to: `user.csv`, or Totara's archived copy `csv/store/1700000000.user.csv`
 * (the Unix time it was picked up, then the original name). Returns undefined for other names.
 */
export function elementOfFileName(fileName: string): { element: ElementName; storedAt?: number } | undefined {
  const match = /^(?:(\d+)\.)?([a-z]+)\.csv$/i.exec(fileName);
  if (!match) return undefined;
  const element = (match[2] as string).toLowerCase();
  if (!isElementName(element)) return undefined;
  return match[1] ? { element, storedAt: Number(match[1]) } : { element };
}
