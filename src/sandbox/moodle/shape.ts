/**
 * Results shaped by the function's returns_desc: what a function implementation gives is laid over its return
 * description, so every result has the keys and value types the real site's have. Keys the description does not
 * know are dropped; a required key the implementation left out takes the empty value of its type (0, '', false,
 * [], an empty structure); null stays null where the description allows it. clean_returnvalue (external-api.ts) then casts the scalars as Moodle does.
 */
import { VALUE_REQUIRED, type WsDesc } from '../../moodle/definitions.js';

/** The empty value of a description node's type (a key the implementation did not give). */
function empty(desc: WsDesc): unknown {
  if (desc.kind === 'multiple') return [];
  if (desc.kind === 'single') return shapeResult(desc, {});
  return desc.type === 'int' || desc.type === 'float' ? 0 : desc.type === 'bool' ? false : '';
}

/**
 * `value` shaped by `desc`.
 *
 * @example
 * ```ts
 * shapeResult(info.returns, [{ id: 2, extra: 'x' }]); // [{ id: 2, shortname: '' , ... }]
 * ```
 */
export function shapeResult(desc: WsDesc | null, value: unknown): unknown {
  if (desc === null) return null;
  if (value === null || value === undefined) return desc.allownull ? null : empty(desc);
  if (desc.kind === 'value') return value;
  if (desc.kind === 'multiple') {
    const items = Array.isArray(value) ? value : value instanceof Map ? [...value.values()] : [];
    return items.map((item) => shapeResult(desc.content, item));
  }
  if (typeof value !== 'object' || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(desc.keys)) {
    const inner = record[key];
    if (inner === undefined) {
      if (child.required === VALUE_REQUIRED) out[key] = empty(child);
      continue;
    }
    out[key] = inner === null ? (child.allownull ? null : empty(child)) : shapeResult(child, inner);
  }
  return out;
}
