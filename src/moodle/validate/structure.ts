/**
 * external_api::validate_parameters as Moodle 4.5 runs it, walked over a function's parameter description: the one
 * rule set for "does a value fit its description". The client walks what it is about to send (`form`: JS values
 * as the form encoding will carry them, so null and empty lists or objects never arrive); the sandbox walks what
 * PHP decoded (`php`). Refusals come in the order Moodle meets them, so the first is the one Moodle reports.
 */

import { formatNumber } from '../call/encode.js';
import {
  VALUE_DEFAULT,
  VALUE_REQUIRED,
  type WsDesc,
  type WsMultipleDesc,
  type WsSingleDesc,
  type WsValueDesc,
} from '../definitions.js';
import { type ParamSite, paramAccepts, validateParam } from './param-types.js';
import { type PhpScalar, phpString } from './php-text.js';

/** How the values walked are given. */
export type ValueSource = 'form' | 'php';

/** One step of a path: a structure's key, or a list item's key (`item`). */
export interface PathStep {
  key: string;
  item: boolean;
}

/** Where validate_parameters would throw, and why, in its own words (`reason`, the innermost debug text). */
export interface StructureRefusal {
  kind: 'missing' | 'unexpected' | 'scalar_expected' | 'array_expected' | 'invalid_value' | 'unsendable';
  /** The node Moodle was validating when it threw (for `missing` and `unexpected`: the structure). */
  at: PathStep[];
  /** The missing key, or the first unexpected one. */
  key?: string | undefined;
  /** Every unexpected key, in the order PHP holds them. */
  unexpected?: string[] | undefined;
  /** The description at `at` (for `missing`: the missing key's). */
  desc: WsDesc;
  /** The value at `at` as given. */
  value?: unknown;
  reason: string;
}

/** Something Moodle accepts that a careful caller would want to hear about (client side only). */
export interface StructureNote {
  kind: 'sent_as_text' | 'list_from_object' | 'item_not_sent' | 'key_not_sent';
  at: PathStep[];
  desc?: WsDesc | undefined;
  value: unknown;
}

/** What a walk found, and the cleaned parameters when asked for (`php` values only). */
export interface StructureResult {
  refusals: StructureRefusal[];
  notes: StructureNote[];
  value: unknown;
}

/** Options of {@link walkStructure}. */
export interface StructureOptions {
  source: ValueSource;
  /** Stop at this many refusals (the server stops at the first, as Moodle does). Default: all. */
  limit?: number | undefined;
  /** Build the cleaned value (defaults applied, scalars cast), as validate_parameters returns it. */
  build?: boolean | undefined;
  /** What PARAM_ types that look things up on the site may check. */
  site?: ParamSite | undefined;
}

const UNSENDABLE = Symbol('unsendable');
const STOP = Symbol('stop');

const entriesCache = new WeakMap<WsSingleDesc, Array<[string, WsDesc]>>();

function entriesOf(desc: WsSingleDesc): Array<[string, WsDesc]> {
  let entries = entriesCache.get(desc);
  if (!entries) {
    entries = Object.entries(desc.keys);
    entriesCache.set(desc, entries);
  }
  return entries;
}

const requiredCache = new WeakMap<WsSingleDesc, number>();

function requiredCount(desc: WsSingleDesc): number {
  let count = requiredCache.get(desc);
  if (count === undefined) {
    count = entriesOf(desc).filter(([, child]) => child.required === VALUE_REQUIRED).length;
    requiredCache.set(desc, count);
  }
  return count;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !(value instanceof Date) && !(value instanceof Map);
}

/** Whether a JS value produces at least one form field (null, undefined and empty lists and objects do not). */
export function reachesForm(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value !== 'object' || value instanceof Date) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (reachesForm(value[i])) return true;
    return false;
  }
  for (const key in value) {
    if (Object.hasOwn(value, key) && reachesForm((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/** The text a JS scalar is sent as (the form encoder's rules), or UNSENDABLE. */
function formText(value: unknown): string | typeof UNSENDABLE {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? formatNumber(value) : UNSENDABLE;
    case 'boolean':
      return value ? '1' : '0';
    case 'bigint':
      return value.toString();
    default:
      if (value instanceof Date && !Number.isNaN(value.getTime()))
        return String(Math.floor(value.getTime() / 1000));
      return UNSENDABLE;
  }
}

class Walk {
  readonly refusals: StructureRefusal[] = [];
  readonly notes: StructureNote[] = [];
  /** The path being walked, as two parallel stacks (no object per step unless something is reported). */
  readonly keys: Array<string | number> = [];
  readonly items: boolean[] = [];
  readonly form: boolean;
  readonly limit: number;
  readonly build: boolean;
  readonly site: ParamSite;

  constructor(options: StructureOptions) {
    this.form = options.source === 'form';
    this.limit = options.limit ?? Number.POSITIVE_INFINITY;
    this.build = options.build ?? false;
    this.site = options.site ?? {};
  }

  at(): PathStep[] {
    return this.keys.map((key, i) => ({ key: String(key), item: this.items[i] as boolean }));
  }

  refuse(refusal: Omit<StructureRefusal, 'at'>): undefined {
    this.refusals.push({ at: this.at(), ...refusal });
    if (this.refusals.length >= this.limit) throw STOP;
    return undefined;
  }

  note(kind: StructureNote['kind'], value: unknown, desc?: WsDesc, key?: string, item = false): void {
    const at = this.at();
    if (key !== undefined) at.push({ key, item });
    this.notes.push({ kind, at, desc, value });
  }

  /** print_r() of what is not an array, as Moodle's "Only arrays accepted" message prints it. */
  printR(value: unknown): string {
    if (value instanceof Map || Array.isArray(value) || isRecord(value)) return 'Array';
    if (value === undefined || value === null) return '';
    if (this.form) {
      const text = formText(value);
      return text === UNSENDABLE ? String(value) : text;
    }
    return typeof value === 'object' ? String(value) : phpString(value as PhpScalar);
  }

  isArray(value: unknown): boolean {
    return value instanceof Map ? !this.form : Array.isArray(value) || isRecord(value);
  }

  /** Whether a key of a PHP array is there: in a form, only when its value produces a field. */
  present(value: unknown): boolean {
    return this.form ? reachesForm(value) : value !== undefined;
  }

  get(container: unknown, key: string): unknown {
    if (container instanceof Map) return container.get(key);
    return Object.hasOwn(container as object, key) ? (container as Record<string, unknown>)[key] : undefined;
  }

  /**
   * How many keys of a PHP array are there; on the way, a key that is not a parameter but is given as null or
   * empty (so nothing is sent for it) is noted.
   */
  countPresent(container: unknown, desc: WsSingleDesc): number {
    let count = 0;
    if (container instanceof Map) {
      for (const inner of container.values()) if (this.present(inner)) count++;
      return count;
    }
    if (Array.isArray(container)) {
      for (let i = 0; i < container.length; i++) if (this.present(container[i])) count++;
      return count;
    }
    const record = container as Record<string, unknown>;
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue;
      const inner = record[key];
      if (this.present(inner)) count++;
      else if (this.form && inner !== undefined && !Object.hasOwn(desc.keys, key))
        this.note('key_not_sent', inner, undefined, key);
    }
    return count;
  }

  /** The keys of a PHP array, in PHP's order, with their values. */
  *entries(container: unknown): Generator<[string, unknown]> {
    if (container instanceof Map) {
      yield* container as Map<string, unknown>;
    } else if (Array.isArray(container)) {
      for (let i = 0; i < container.length; i++) yield [String(i), container[i]];
    } else {
      const record = container as Record<string, unknown>;
      for (const key in record) if (Object.hasOwn(record, key)) yield [key, record[key]];
    }
  }

  node(desc: WsDesc, value: unknown): unknown {
    if (value === null && desc.allownull) return null;
    if (desc.kind === 'value') return this.value(desc, value);
    if (!this.isArray(value)) {
      return this.refuse({
        kind: 'array_expected',
        desc,
        value,
        reason: `Only arrays accepted. The bad value is: '${this.printR(value)}'`,
      });
    }
    return desc.kind === 'multiple' ? this.list(desc, value) : this.single(desc, value);
  }

  value(desc: WsValueDesc, value: unknown): unknown {
    if (this.isArray(value)) {
      return this.refuse({
        kind: 'scalar_expected',
        desc,
        value,
        reason: 'Scalar type expected, array or object received.',
      });
    }
    const scalar = this.form ? formText(value) : (value as PhpScalar);
    if (scalar === UNSENDABLE) {
      return this.refuse({ kind: 'unsendable', desc, value, reason: 'The value cannot be sent in a form.' });
    }
    let cleaned: unknown;
    if (this.build) {
      const verdict = validateParam(scalar, desc.type, desc.allownull, this.site);
      if (!verdict.ok) return this.invalid(desc, value, scalar);
      cleaned = verdict.value;
    } else if (!paramAccepts(scalar, desc.type, desc.allownull, this.site)) {
      return this.invalid(desc, value, scalar);
    }
    if (this.form && typeof value !== 'string' && typeof value !== 'number' && !NUMERIC.has(desc.type))
      this.note('sent_as_text', value, desc);
    return cleaned;
  }

  invalid(desc: WsValueDesc, value: unknown, scalar: PhpScalar): undefined {
    return this.refuse({
      kind: 'invalid_value',
      desc,
      value,
      reason: `Invalid external api parameter: the value is "${phpString(scalar)}", the server was expecting "${desc.type}" type`,
    });
  }

  single(desc: WsSingleDesc, value: unknown): unknown {
    const out: Record<string, unknown> | undefined = this.build ? {} : undefined;
    let matched = 0;
    for (const [key, child] of entriesOf(desc)) {
      const inner = this.get(value, key);
      if (!this.present(inner)) {
        if (child.required === VALUE_REQUIRED) {
          this.refuse({
            kind: 'missing',
            key,
            desc: child,
            value: inner,
            reason: `Missing required key in single structure: ${key}`,
          });
        } else if (out && child.required === VALUE_DEFAULT) {
          out[key] = this.step(key, false, child, child.default);
        }
        continue;
      }
      matched++;
      const cleaned = this.step(key, false, child, inner);
      if (out) out[key] = cleaned;
    }
    if (this.countPresent(value, desc) > matched) {
      const unexpected: string[] = [];
      for (const [key, inner] of this.entries(value))
        if (this.present(inner) && !Object.hasOwn(desc.keys, key)) unexpected.push(key);
      this.refuse({
        kind: 'unexpected',
        key: unexpected[0],
        unexpected,
        desc,
        value,
        reason: `Unexpected keys (${unexpected.join(', ')}) detected in parameter array.`,
      });
    }
    return out;
  }

  list(desc: WsMultipleDesc, value: unknown): unknown {
    const out: unknown[] | undefined = this.build ? [] : undefined;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        if (this.present(item)) {
          const cleaned = this.step(i, true, desc.content, item);
          if (out) out.push(cleaned);
        } else if (this.form && item !== undefined)
          this.note('item_not_sent', item, desc.content, String(i), true);
      }
      return out;
    }
    if (this.form) this.note('list_from_object', value, desc);
    for (const [key, item] of this.entries(value)) {
      if (!this.present(item)) {
        if (this.form && item !== undefined) this.note('item_not_sent', item, desc.content, key, true);
        continue;
      }
      const cleaned = this.step(key, true, desc.content, item);
      out?.push(cleaned);
    }
    return out;
  }

  /** Walks one key or item. A refusal that stops the walk leaves the stacks as they are: nothing reads them after. */
  step(key: string | number, item: boolean, desc: WsDesc, value: unknown): unknown {
    this.keys.push(key);
    this.items.push(item);
    const cleaned = this.node(desc, value);
    this.keys.pop();
    this.items.pop();
    return cleaned;
  }
}

/** Types whose form text a boolean or a date is a natural way to give (they are sent as 1/0 and Unix seconds). */
const NUMERIC = new Set(['int', 'integer', 'float', 'number', 'bool']);

/**
 * Walks `value` against a description as validate_parameters does and reports every refusal (up to `limit`), in
 * Moodle's order, with what a careful caller would want to know of the values Moodle accepts.
 *
 * @example
 * ```ts
 * const { refusals } = walkStructure(info.parameters, { courseid: 'abc' }, { source: 'form' });
 * refusals[0]?.reason; // 'Invalid external api parameter: the value is "abc", the server was expecting "int" type'
 * ```
 */
export function walkStructure(desc: WsDesc, value: unknown, options: StructureOptions): StructureResult {
  const walk = new Walk(options);
  let cleaned: unknown;
  try {
    cleaned = walk.node(desc, value);
  } catch (error) {
    if (error !== STOP) throw error;
  }
  return {
    refusals: walk.refusals,
    notes: walk.notes,
    value: walk.refusals.length === 0 ? cleaned : undefined,
  };
}

/** Whether a value fits: true exactly when the walk would report nothing. */
type Fits = (value: unknown, site: ParamSite) => boolean;

const compiled = new WeakMap<WsDesc, Fits>();

/**
 * Whether a caller's value (as a form will carry it) fits a description with nothing to report: the walk's
 * verdict, compiled once per description node into a predicate that allocates nothing. The client asks it first
 * and walks only when it says no; it uses the walk's own rules (present, formText, paramAccepts), and a property
 * test holds the two equal.
 *
 * @example
 * ```ts
 * fitsForm(info.parameters, { courseid: 2 }); // true
 * ```
 */
export function fitsForm(desc: WsDesc, value: unknown, site: ParamSite = {}): boolean {
  return compiledFits(desc)(value, site);
}

function compiledFits(desc: WsDesc): Fits {
  let fits = compiled.get(desc);
  if (!fits) {
    fits = compile(desc);
    compiled.set(desc, fits);
  }
  return fits;
}

function compile(desc: WsDesc): Fits {
  if (desc.kind === 'value') {
    const { type, allownull } = desc;
    const textual = !NUMERIC.has(type);
    return (value, site) => {
      if (typeof value === 'object' && value !== null && !(value instanceof Date)) return false;
      if (textual && typeof value !== 'string' && typeof value !== 'number') return false;
      const text = formText(value);
      return text !== UNSENDABLE && paramAccepts(text, type, allownull, site);
    };
  }
  if (desc.kind === 'multiple') {
    const content = desc.content;
    return (value, site) => {
      if (!Array.isArray(value)) return false;
      const item = compiledFits(content);
      for (let i = 0; i < value.length; i++) {
        const inner = value[i];
        if (!reachesForm(inner)) {
          if (inner !== undefined) return false;
        } else if (!item(inner, site)) return false;
      }
      return true;
    };
  }
  const keys = desc.keys;
  const required = requiredCount(desc);
  return (value, site) => {
    if (!isRecord(value) || Array.isArray(value)) return false;
    let present = 0;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      const inner = value[key];
      const child = Object.hasOwn(keys, key) ? keys[key] : undefined;
      if (!reachesForm(inner)) {
        if (inner !== undefined && child === undefined) return false;
        continue;
      }
      if (child === undefined || !compiledFits(child)(inner, site)) return false;
      if (child.required === VALUE_REQUIRED) present++;
    }
    return present === required;
  };
}

/**
 * The structure keys Moodle names on the way to a refusal, outermost first: its debug text reads
 * `users => Invalid parameter value detected: email => …` (list positions are not named).
 */
export function wrappingKeys(refusal: StructureRefusal): string[] {
  return refusal.at.filter((step) => !step.item).map((step) => step.key);
}
