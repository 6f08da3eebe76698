/**
 * The sandbox's own small Totara schema, used when the real 17.3 external schema file is not at hand (a fresh
 * clone without ../shared). Type and field names follow Totara's external API so that the same documents and
 * resolvers work with either: users and job assignments carry every 17.3 field but `card_display` (HR Import's
 * site state reads most of them). `core_course_courses` is a sandbox addition (17.3's external API has no
 * course list).
 */
export const FALLBACK_SCHEMA_SDL = /* GraphQL */ `
scalar core_id
scalar core_date
scalar param_integer
scalar param_email
scalar param_username
scalar param_text

enum core_format { RAW HTML PLAIN MARKDOWN JSON_EDITOR MOBILE }
enum core_date_format { TIMESTAMP ISO8601 DAYDATETIME TIME TIMESHORT DATE DATESHORT DATELONG DATETIME DATETIMESHORT DATETIMELONG DATETIMESECONDS }
enum core_sort_direction_enum { ASC DESC }

interface core_pageable_result {
  total: Int!
  next_cursor: String!
}

input core_pagination_input {
  cursor: String
  limit: param_integer
  page: param_integer
}

input core_sort_input {
  column: String!
  direction: core_sort_direction_enum
}

type totara_webapi_status {
  status: String!
  timestamp(format: core_date_format = TIMESTAMP): core_date
}

type core_user {
  id: core_id!
  idnumber: String
  username(format: core_format = PLAIN): String
  fullname(format: core_format = PLAIN): String!
  firstname(format: core_format = PLAIN): String
  lastname(format: core_format = PLAIN): String
  middlename(format: core_format = PLAIN): String
  alternatename(format: core_format = PLAIN): String
  firstnamephonetic: String
  lastnamephonetic: String
  email: String
  address(format: core_format = PLAIN): String
  phone1(format: core_format = PLAIN): String
  phone2(format: core_format = PLAIN): String
  department(format: core_format = PLAIN): String
  institution(format: core_format = PLAIN): String
  city(format: core_format = PLAIN): String
  country: String
  description(format: core_format = HTML): String
  descriptionformat: core_format
  profileimageurl: String
  profileimageurlsmall: String
  profileimagealt(format: core_format = PLAIN): String
  lang: String
  theme: String
  suspended: Boolean
  timezone: String
  interests: String
  firstaccess(format: core_date_format = TIMESTAMP): core_date
  lastaccess(format: core_date_format = TIMESTAMP): core_date
  url(format: core_format = PLAIN): String
  skype(format: core_format = PLAIN): String
  custom_fields: [core_user_custom_field!]
  job_assignments: [totara_job_job_assignment!]!
}

type core_user_custom_field {
  shortname: String!
  data: String!
  data_format: Int
  data_type: String!
}

input core_user_users_query {
  pagination: core_pagination_input
  sort: [core_sort_input!]
}

type core_user_users_result implements core_pageable_result {
  items: [core_user!]!
  total: Int!
  next_cursor: String!
}

input core_user_user_reference {
  id: core_id
  username: String
  idnumber: String
  email: String
}

input core_user_create_user_input {
  username: String!
  email: param_email!
  password: String
  firstname: String!
  lastname: String!
  idnumber: String
  city: String
  country: String
  department: String
  institution: String
  lang: String
  timezone: String
  suspended: Boolean = false
  generate_password: Boolean
}

input core_user_update_user_input {
  username: param_username
  firstname: String
  lastname: String
  email: param_email
  password: String
  idnumber: String
  city: String
  country: String
  department: String
  institution: String
  lang: String
  timezone: String
  suspended: Boolean
}

type core_user_user_result {
  user: core_user!
}

type core_user_delete_user_result {
  user_id: core_id!
}

type core_course {
  id: core_id!
  idnumber: String
  fullname(format: core_format = PLAIN): String!
  shortname(format: core_format = PLAIN): String!
  summary(format: core_format = HTML): String
  categoryid: core_id
  startdate(format: core_date_format = TIMESTAMP): core_date
  enddate(format: core_date_format = TIMESTAMP): core_date
  timecreated(format: core_date_format = TIMESTAMP): core_date
  format: String
  showgrades: Boolean!
  completionenabled: Boolean!
  url: String!
}

input core_course_courses_query {
  pagination: core_pagination_input
  sort: [core_sort_input!]
}

type core_course_courses_result implements core_pageable_result {
  items: [core_course!]!
  total: Int!
  next_cursor: String!
}

type totara_hierarchy_organisation {
  id: core_id!
  fullname(format: core_format = PLAIN): String!
  idnumber: String
  shortname(format: core_format = PLAIN): String
  frameworkid: core_id
  path: String!
  visible: Boolean!
  parentid: core_id
  parent: totara_hierarchy_organisation
  children: [totara_hierarchy_organisation!]!
}

type totara_hierarchy_position {
  id: core_id!
  fullname(format: core_format = PLAIN): String!
  idnumber: String
  shortname(format: core_format = PLAIN): String
  frameworkid: core_id
  path: String!
  visible: Boolean!
  parentid: core_id
  parent: totara_hierarchy_position
  children: [totara_hierarchy_position!]!
}

input totara_hierarchy_position_reference {
  id: core_id
  idnumber: String
}

input totara_hierarchy_organisation_reference {
  id: core_id
  idnumber: String
}

type totara_job_job_assignment {
  id: core_id!
  userid: core_id!
  user: core_user!
  fullname(format: core_format = PLAIN): String
  shortname(format: core_format = PLAIN): String
  idnumber: String!
  description(format: core_format = HTML): String
  startdate(format: core_date_format = TIMESTAMP): core_date
  enddate(format: core_date_format = TIMESTAMP): core_date
  positionid: core_id
  position: totara_hierarchy_position
  organisationid: core_id
  organisation: totara_hierarchy_organisation
  managerjaid: core_id
  managerja: totara_job_job_assignment
  tempmanagerjaid: core_id
  tempmanagerja: totara_job_job_assignment
  tempmanagerexpirydate(format: core_date_format = TIMESTAMP): core_date
  appraiserid: core_id
  appraiser: core_user
  staffcount: Int!
  tempstaffcount: Int!
}

input totara_job_job_assignment_reference {
  id: core_id
  idnumber: String
  user: core_user_user_reference
}

input totara_job_job_assignments_query {
  pagination: core_pagination_input
  sort: [core_sort_input!]
}

type totara_job_job_assignments_result implements core_pageable_result {
  items: [totara_job_job_assignment]
  total: Int!
  next_cursor: String!
}

input totara_job_create_job_assignment_input {
  idnumber: String!
  fullname: String
  shortname: String
  user: core_user_user_reference!
  start_date: core_date
  end_date: core_date
  position: totara_hierarchy_position_reference
  organisation: totara_hierarchy_organisation_reference
  manager: totara_job_job_assignment_reference
  appraiser: core_user_user_reference
}

input totara_job_update_job_assignment_input {
  idnumber: String
  fullname: String
  shortname: String
  start_date: core_date
  end_date: core_date
  position: totara_hierarchy_position_reference
  organisation: totara_hierarchy_organisation_reference
  manager: totara_job_job_assignment_reference
  appraiser: core_user_user_reference
}

type totara_job_create_job_assignment_result {
  job_assignment: totara_job_job_assignment!
}

type totara_job_update_job_assignment_result {
  job_assignment: totara_job_job_assignment!
}

type totara_job_delete_job_assignment_result {
  job_assignment_id: core_id!
}

type Query {
  totara_webapi_status: totara_webapi_status
  core_user_users(query: core_user_users_query): core_user_users_result!
  core_course_courses(query: core_course_courses_query): core_course_courses_result!
  totara_job_job_assignments(query: totara_job_job_assignments_query): totara_job_job_assignments_result!
}

type Mutation {
  core_user_create_user(input: core_user_create_user_input!): core_user_user_result!
  core_user_update_user(target_user: core_user_user_reference!, input: core_user_update_user_input!): core_user_user_result!
  core_user_delete_user(target_user: core_user_user_reference!): core_user_delete_user_result!
  totara_job_create_job_assignment(input: totara_job_create_job_assignment_input!): totara_job_create_job_assignment_result!
  totara_job_update_job_assignment(target_job: totara_job_job_assignment_reference!, input: totara_job_update_job_assignment_input!): totara_job_update_job_assignment_result!
  totara_job_delete_job_assignment(target_job: totara_job_job_assignment_reference!): totara_job_delete_job_assignment_result!
}
`;
