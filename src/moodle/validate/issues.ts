/**
 * The client's check of a caller's parameters before a request: Moodle's own validate_parameters (structure.ts)
 * run on what the form will carry, each refusal turned into an issue with its path and a message a person can act
 * on. Where Moodle accepts something a careful caller would want to know about, the issue is a warning.
 */
import type { WsDesc, WsFunctionInfo } from '../definitions.js';
import { MoodleInputError } from '../errors.js';
import { closeNames } from './names.js';
import { cleanParam, type ParamSite } from './param-types.js';
import { phpString } from './php-text.js';
import {
  fitsForm,
  type PathStep,
  type StructureNote,
  type StructureRefusal,
  walkStructure,
} from './structure.js';

/** One problem with a caller's parameters. */
export interface ParamIssue {
  /**
   * Refusals (severity `error`): `unknown_key`, `missing`, `wrong_type`, `not_a_list`, `not_an_object`. Warnings:
   * `sent_as_text` (a boolean or Date given for text), `list_from_object` (an object given for a list),
   * `not_sent` (a null list item or a null key that is not a parameter: nothing is sent for it).
   */
  code:
    | 'unknown_key'
    | 'missing'
    | 'wrong_type'
    | 'not_a_list'
    | 'not_an_object'
    | 'sent_as_text'
    | 'list_from_object'
    | 'not_sent';
  /** `error`: Moodle would refuse the call. `warning`: Moodle runs it, but probably not as meant. */
  severity: 'error' | 'warning';
  /** Where, as `users[0].email`; empty for the parameters as a whole. */
  path: string;
  /** What was expected there: a PARAM_ type (`int`), `object` or `list`. */
  expected?: string;
  /** For an unknown key: the known key it is probably a misspelling of. */
  suggestion?: string;
  message: string;
  /** For a refusal: what Moodle's validate_parameters says about it (its debug text). */
  reason?: string;
}

/** Options of {@link validateParams}. */
export interface ValidateParamsOptions {
  /** What PARAM_ types that look things up on the site may check (the client passes its wwwroot). */
  site?: ParamSite | undefined;
}

/** `users[0].email` from path steps. */
export function formatPath(steps: readonly PathStep[]): string {
  let out = '';
  for (const step of steps) out += step.item ? `[${step.key}]` : out === '' ? step.key : `.${step.key}`;
  return out;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : 'a Date';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return Object.keys(value).length === 0 ? 'an empty object' : 'an object';
  if (typeof value === 'function') return 'a function';
  return `${typeof value} ${String(value)}`;
}

function expectedOf(desc: WsDesc): string {
  return desc.kind === 'value' ? desc.type : desc.kind === 'single' ? 'object' : 'list';
}

/** Why a scalar does not fit its PARAM_ type, in a person's words. */
function scalarProblem(type: string, text: string): string {
  switch (type) {
    case 'int':
    case 'integer':
      return 'expected an integer';
    case 'float':
    case 'number':
      return 'expected a number';
    case 'bool':
      return 'expected a boolean (true, false, 0 or 1)';
    case 'url':
      return 'expected a URL (http, https or ftp, or relative), written in URL characters';
    case 'email':
      return 'expected an email address';
    case 'capability':
      return 'expected a capability name such as moodle/course:view';
    case 'lang':
      return 'expected a language code installed on the site, such as en';
  }
  const cleaned = phpString(cleanParam(type, text));
  if (cleaned === '' || cleaned === text) return `PARAM_${type.toUpperCase()} does not take this value`;
  return `PARAM_${type.toUpperCase()} takes this only as ${JSON.stringify(cleaned)} (Moodle refuses a value its cleaning changes)`;
}

/** Why nothing was sent for a key that was given. */
function vanished(value: unknown): string {
  if (value === null) return ' (it is null, and null is not sent, so Moodle sees no key)';
  if (Array.isArray(value) && value.length === 0)
    return ' (an empty list cannot be sent in a form post, so Moodle sees no key)';
  if (value !== undefined && typeof value === 'object' && Object.keys(value).length === 0)
    return ' (an empty object cannot be sent in a form post, so Moodle sees no key)';
  if (value !== undefined) return ' (nothing in it can be sent: its entries are all null or empty)';
  return '';
}

function unknownKey(
  keys: readonly string[],
  key: string,
  path: string,
): Pick<ParamIssue, 'suggestion'> & {
  text: string;
} {
  const [suggestion] = closeNames(key, keys);
  const mean = suggestion === undefined ? 'known' : `did you mean ${suggestion}? Known`;
  return {
    ...(suggestion === undefined ? {} : { suggestion }),
    text: `${path} is not a parameter here; ${mean} keys: ${keys.join(', ') || '(none)'}`,
  };
}

function refusalIssues(refusal: StructureRefusal): ParamIssue[] {
  const at = formatPath(refusal.at);
  const base = { severity: 'error' as const, reason: refusal.reason };
  const desc = refusal.desc;
  switch (refusal.kind) {
    case 'missing': {
      const path = formatPath([...refusal.at, { key: refusal.key ?? '', item: false }]);
      return [
        {
          ...base,
          code: 'missing',
          path,
          expected: expectedOf(desc),
          message: `${path} is required${vanished(refusal.value)}.`,
        },
      ];
    }
    case 'unexpected': {
      const known = desc.kind === 'single' ? Object.keys(desc.keys) : [];
      return (refusal.unexpected ?? []).map((key) => {
        const path = formatPath([...refusal.at, { key, item: false }]);
        const { text, ...suggestion } = unknownKey(known, key, path);
        return { ...base, code: 'unknown_key' as const, path, ...suggestion, message: `${text}.` };
      });
    }
    case 'array_expected':
      if (desc.kind === 'single') {
        return [
          {
            ...base,
            code: 'not_an_object',
            path: at,
            expected: 'object',
            message: `${at || 'parameters'}: expected an object with keys ${Object.keys(desc.keys).join(', ') || '(none)'}, got ${describe(refusal.value)}.`,
          },
        ];
      }
      return [
        {
          ...base,
          code: 'not_a_list',
          path: at,
          expected: 'list',
          message: `${at}: expected a list, got ${describe(refusal.value)}.`,
        },
      ];
    case 'scalar_expected':
      return [
        {
          ...base,
          code: 'wrong_type',
          path: at,
          expected: expectedOf(desc),
          message: `${at}: expected a PARAM_${expectedOf(desc).toUpperCase()} value, got ${describe(refusal.value)}.`,
        },
      ];
    case 'unsendable':
      return [
        {
          ...base,
          code: 'wrong_type',
          path: at,
          expected: expectedOf(desc),
          message: `${at}: ${describe(refusal.value)} cannot be sent in a form; pass a string, a finite number, a boolean or a valid Date.`,
        },
      ];
    case 'invalid_value': {
      const text = /the value is "([\s\S]*)", the server/.exec(refusal.reason)?.[1] ?? '';
      return [
        {
          ...base,
          code: 'wrong_type',
          path: at,
          expected: expectedOf(desc),
          message: `${at}: ${scalarProblem(expectedOf(desc), text)}, got ${describe(refusal.value)}.`,
        },
      ];
    }
  }
}

function noteIssue(note: StructureNote, known: (at: PathStep[]) => readonly string[]): ParamIssue {
  const path = formatPath(note.at);
  const base = { severity: 'warning' as const, path };
  switch (note.kind) {
    case 'sent_as_text': {
      const type = note.desc?.kind === 'value' ? note.desc.type : 'text';
      const sent =
        note.value instanceof Date ? 'its Unix time' : JSON.stringify(note.value === true ? '1' : '0');
      return {
        ...base,
        code: 'sent_as_text',
        expected: type,
        message: `${path}: PARAM_${type.toUpperCase()} is text, and ${describe(note.value)} is sent as ${sent}.`,
      };
    }
    case 'list_from_object':
      return {
        ...base,
        code: 'list_from_object',
        expected: 'list',
        message: `${path}: expected a list, got an object; Moodle takes its values as the items, in order.`,
      };
    case 'item_not_sent':
      return {
        ...base,
        code: 'not_sent',
        message: `${path}: a list item that is ${describe(note.value)} is not sent, so the site sees a shorter list.`,
      };
    case 'key_not_sent': {
      const { text, ...suggestion } = unknownKey(
        known(note.at.slice(0, -1)),
        note.at.at(-1)?.key ?? '',
        path,
      );
      return {
        ...base,
        code: 'not_sent',
        ...suggestion,
        message: `${text}. It is ${describe(note.value)}, so nothing is sent for it.`,
      };
    }
  }
}

/** The keys a structure at `at` knows (for suggestions in warnings). */
function keysAt(root: WsDesc, at: readonly PathStep[]): string[] {
  let desc: WsDesc | undefined = root;
  for (const step of at) {
    if (!desc) return [];
    desc = step.item
      ? desc.kind === 'multiple'
        ? desc.content
        : undefined
      : desc.kind === 'single'
        ? desc.keys[step.key]
        : undefined;
  }
  return desc?.kind === 'single' ? Object.keys(desc.keys) : [];
}

/**
 * Checks parameters against a function's description before anything is sent, exactly as Moodle's
 * validate_parameters will check the form they become: every refusal (severity `error`, in the order Moodle meets
 * them, with its path) and every warning. Values are what a caller passes: numbers, booleans (sent as 1/0),
 * strings, Dates (sent as Unix seconds), arrays, objects. `undefined` or `null` for an optional key means "leave it
 * out"; null, an empty list and an empty object are never sent, so for a required key they count as missing.
 *
 * @example
 * ```ts
 * const info = coreFunctionTable().get('core_user_get_users_by_field')!;
 * validateParams(info, { field: 'email' }); // [{ code: 'missing', path: 'values', severity: 'error', ... }]
 * ```
 */
export function validateParams(
  info: WsFunctionInfo,
  params: unknown,
  options: ValidateParamsOptions = {},
): ParamIssue[] {
  const value = params ?? {};
  if (fitsForm(info.parameters, value, options.site)) return [];
  const { refusals, notes } = walkStructure(info.parameters, value, { source: 'form', site: options.site });
  if (refusals.length === 0 && notes.length === 0) return [];
  return [
    ...refusals.flatMap(refusalIssues),
    ...notes.map((note) => noteIssue(note, (at) => keysAt(info.parameters, at))),
  ];
}

/** True when an issue is a refusal. */
export function isRefusal(issue: ParamIssue): boolean {
  return issue.severity === 'error';
}

/**
 * Parameters Moodle would refuse, each issue with its path (`users[0].email`).
 *
 * @example
 * ```ts
 * try { await moodle.call('core_user_create_users', { users: [{ username: 'ann' }] }); }
 * catch (e) { if (e instanceof MoodleValidationError) for (const i of e.issues) console.log(i.path, i.message); }
 * ```
 */
export class MoodleValidationError extends MoodleInputError {
  /** Every refusal found, each with its path, in the order Moodle would meet them. */
  readonly issues: readonly ParamIssue[];
  constructor(fn: string, issues: readonly ParamIssue[]) {
    // Each issue's message starts with its path. Every issue goes in the message, one per line, so that whoever
    // shows only the message (a terminal, a log line) shows all of them.
    const message =
      issues.length === 1
        ? `${fn}: ${(issues[0] as ParamIssue).message}`
        : `${fn}: ${issues.length} problems with the parameters:\n${issues.map((issue) => `  - ${issue.message}`).join('\n')}`;
    super('moodle.invalid_params', message, {
      hint: `Fix the parameter${issues.length === 1 ? '' : 's'} above; \`mts moodle functions ${fn}\` shows what ${fn} takes.`,
      fn,
      details: { issues: issues.map((issue) => ({ ...issue })) },
    });
    this.issues = issues;
  }
}

/**
 * Throws {@link MoodleValidationError} when Moodle would refuse `params`; returns the warnings otherwise.
 * @internal
 */
export function assertValidParams(info: WsFunctionInfo, params: unknown, site?: ParamSite): ParamIssue[] {
  const issues = validateParams(info, params, { site });
  if (issues.length === 0) return issues;
  const refusals = issues.filter(isRefusal);
  if (refusals.length > 0) throw new MoodleValidationError(info.name, refusals);
  return issues;
}
