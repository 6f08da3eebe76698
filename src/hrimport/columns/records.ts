/**
 * Typed records of each element: objects keyed by the CSV column names. Values may be strings, numbers, booleans
 * (written 1/0), Dates (written as Unix time, which Totara always accepts), or null/undefined (an empty cell).
 */

/** A value of a record cell before it is written. */
export type CellValue = string | number | boolean | Date | null | undefined;

/** `customfield_<shortname>` columns. */
export type CustomFieldColumns = { [key: `customfield_${string}`]: CellValue };

/** A row of `user.csv`. */
export interface UserRecord extends CustomFieldColumns {
  idnumber: string;
  username?: CellValue;
  timemodified?: CellValue;
  deleted?: CellValue;
  firstname?: CellValue;
  lastname?: CellValue;
  firstnamephonetic?: CellValue;
  lastnamephonetic?: CellValue;
  middlename?: CellValue;
  alternatename?: CellValue;
  email?: CellValue;
  emailstop?: CellValue;
  city?: CellValue;
  country?: CellValue;
  timezone?: CellValue;
  lang?: CellValue;
  description?: CellValue;
  url?: CellValue;
  institution?: CellValue;
  department?: CellValue;
  phone1?: CellValue;
  phone2?: CellValue;
  address?: CellValue;
  auth?: CellValue;
  password?: CellValue;
  suspended?: CellValue;
}

/** A row of `jobassignment.csv`. */
export interface JobAssignmentRecord {
  idnumber: string;
  useridnumber: string;
  timemodified?: CellValue;
  deleted?: CellValue;
  fullname?: CellValue;
  startdate?: CellValue;
  enddate?: CellValue;
  orgidnumber?: CellValue;
  posidnumber?: CellValue;
  manageridnumber?: CellValue;
  managerjobassignmentidnumber?: CellValue;
  appraiseridnumber?: CellValue;
  tempmanageridnumber?: CellValue;
  tempmanagerjobassignmentidnumber?: CellValue;
  tempmanagerexpirydate?: CellValue;
}

/** A row of `org.csv` or `pos.csv`. */
export interface HierarchyRecord extends CustomFieldColumns {
  idnumber: string;
  fullname?: CellValue;
  shortname?: CellValue;
  deleted?: CellValue;
  description?: CellValue;
  frameworkidnumber?: CellValue;
  parentidnumber?: CellValue;
  typeidnumber?: CellValue;
  timemodified?: CellValue;
}

/** A row of `comp.csv`. */
export interface CompetencyRecord extends HierarchyRecord {
  aggregationmethod?: CellValue;
  assignavailability?: CellValue;
}

/** The record type of each element. */
export interface ElementRecords {
  user: UserRecord;
  jobassignment: JobAssignmentRecord;
  org: HierarchyRecord;
  pos: HierarchyRecord;
  comp: CompetencyRecord;
}

/** A record as read back from a file: every cell a string. */
export type RawRecord = Record<string, string>;

/** The text written for a cell value. */
export function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value instanceof Date) return String(Math.floor(value.getTime() / 1000));
  return String(value);
}
