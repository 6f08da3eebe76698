/**
 * Whether a JS value fits a function's parameter description, compiled once per description node into a
 * predicate that allocates nothing. validateParams asks it first and walks the value for issues, with paths and
 * messages, only when it says no; the rules are those of that walk (params.ts), and a test holds the two equal.
 */
import { VALUE_REQUIRED, type WsDesc } from '../definitions.js';
import {
  CLIENT_CHECKED_TYPES,
  cleanScalar,
  isPhpFloatString,
  isPhpIntString,
  phpString,
} from './param-types.js';

/** Whether a value fits. */
export type Fits = (value: unknown) => boolean;

/**
 * Why a JS value does not fit a PARAM_ type, or undefined when it does.
 * @internal
 */
export function scalarProblem(type: string, value: unknown): string | undefined {
  if (type === 'bool') {
    return typeof value === 'boolean' || value === 0 || value === 1 || value === '0' || value === '1'
      ? undefined
      : 'expected a boolean';
  }
  if (type === 'int') {
    if (typeof value === 'number') return Number.isInteger(value) ? undefined : 'expected an integer';
    return typeof value === 'string' && isPhpIntString(value) ? undefined : 'expected an integer';
  }
  if (type === 'float') {
    if (typeof value === 'number') return Number.isFinite(value) ? undefined : 'expected a finite number';
    return typeof value === 'string' && isPhpFloatString(value) ? undefined : 'expected a number';
  }
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : 'expected a string';
  if (typeof value !== 'string') return `expected a string (PARAM_${type.toUpperCase()})`;
  if (!CLIENT_CHECKED_TYPES.has(type)) return undefined;
  const cleaned = phpString(cleanScalar(type, value));
  if (cleaned === value) return undefined;
  return `PARAM_${type.toUpperCase()} takes this only as ${JSON.stringify(cleaned)} (Moodle refuses a value its cleaning changes)`;
}

/**
 * Strings that a PARAM_ type's cleaning leaves unchanged, recognised without cleaning them (a match is always
 * accepted; anything else goes through {@link scalarProblem}).
 */
const UNCHANGED: Record<string, (s: string) => boolean> = {
  raw: () => true,
  alpha: (s) => /^[a-zA-Z]*$/.test(s),
  alphaext: (s) => /^[a-zA-Z_-]*$/.test(s),
  alphanum: (s) => /^[A-Za-z0-9]*$/.test(s),
  alphanumext: (s) => /^[A-Za-z0-9_-]*$/.test(s),
  sequence: (s) => /^[0-9,]*$/.test(s),
  safedir: (s) => /^[a-zA-Z0-9_-]*$/.test(s),
  safepath: (s) => /^[a-zA-Z0-9/_-]*$/.test(s),
  notags: (s) => !s.includes('<'),
  text: (s) => !s.includes('<'),
  username: (s) => /^[-.@_a-z0-9]*$/.test(s),
};

function scalarFits(type: string): Fits {
  if (type === 'int')
    return (v) => (typeof v === 'number' ? Number.isInteger(v) : scalarProblem(type, v) === undefined);
  if (type === 'float')
    return (v) => (typeof v === 'number' ? Number.isFinite(v) : scalarProblem(type, v) === undefined);
  if (type === 'bool') return (v) => typeof v === 'boolean' || scalarProblem(type, v) === undefined;
  const unchanged = CLIENT_CHECKED_TYPES.has(type) ? UNCHANGED[type] : () => true;
  return (v) =>
    (typeof v === 'string' && unchanged !== undefined && unchanged(v)) ||
    scalarProblem(type, v) === undefined;
}

interface KeyRule {
  fits: Fits;
  required: boolean;
  list: boolean;
}

const compiled = new WeakMap<WsDesc, Fits>();

/**
 * The predicate of a description node, compiled on first use and cached with the node (tables are decoded once,
 * so each function's checker is built once).
 * @internal
 */
export function compiledFits(desc: WsDesc): Fits {
  let fits = compiled.get(desc);
  if (!fits) {
    fits = compile(desc);
    compiled.set(desc, fits);
  }
  return fits;
}

function compile(desc: WsDesc): Fits {
  if (desc.kind === 'value') return scalarFits(desc.type);
  if (desc.kind === 'multiple') {
    const item = compiledFits(desc.content);
    return (v) => {
      if (!Array.isArray(v)) return false;
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (x === null || x === undefined || !item(x)) return false;
      }
      return true;
    };
  }
  const rules = new Map<string, KeyRule>();
  let requiredCount = 0;
  for (const [key, child] of Object.entries(desc.keys)) {
    const required = child.required === VALUE_REQUIRED;
    if (required) requiredCount++;
    rules.set(key, { fits: compiledFits(child), required, list: child.kind === 'multiple' });
  }
  return (v) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Date) return false;
    const record = v as Record<string, unknown>;
    let present = 0;
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue;
      const x = record[key];
      if (x === undefined) continue;
      const rule = rules.get(key);
      if (rule === undefined) return false;
      if (x === null || (rule.list && Array.isArray(x) && x.length === 0)) {
        if (rule.required) return false;
        continue;
      }
      if (!rule.fits(x)) return false;
      if (rule.required) present++;
    }
    // A required key left out (or only inherited) fails here; the walk then says which.
    return present === requiredCount;
  };
}
