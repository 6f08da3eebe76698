/**
 * Renders the `MoodleFunctions` interface: for each function its `params` (what a caller passes) and `returns`
 * (what Moodle answers after clean_returnvalue).
 */
import {
  VALUE_DEFAULT,
  VALUE_REQUIRED,
  type WsDesc,
  type WsFunctionInfo,
  type WsSingleDesc,
} from '../../src/moodle/definitions.js';

type Side = 'params' | 'returns';

/** How `null` is typed in results; see {@link renderTypes}. */
export type ResultNulls = 'evident' | 'declared';

interface Render {
  side: Side;
  withDocs: boolean;
  nulls: ResultNulls;
}

const NUMBER_TYPES = new Set(['int', 'integer', 'float', 'number', 'localisedfloat', 'permission']);

function scalar(type: string): string {
  if (NUMBER_TYPES.has(type)) return 'number';
  if (type === 'bool') return 'boolean';
  return 'string';
}

function propertyName(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
}

/** A comment holding prose safely (no comment terminator, one line). */
function docComment(text: string, indent: string): string {
  const clean = text.replace(/\*\//g, '*\u200b/').replace(/\s+/g, ' ').trim();
  return clean ? `${indent}/** ${clean} */\n` : '';
}

/**
 * Whether a key may be absent. Parameters: anything not VALUE_REQUIRED. Returns: VALUE_OPTIONAL keys, and
 * VALUE_DEFAULT structures (clean_returnvalue fills in defaults for scalars only).
 */
function isOptional(desc: WsDesc, side: Side): boolean {
  if (desc.required === VALUE_REQUIRED) return false;
  if (side === 'returns' && desc.required === VALUE_DEFAULT && desc.kind === 'value') return false;
  return true;
}

/**
 * Whether `null` belongs in the type. Parameters: only optional keys (null is never sent, so it means "leave it
 * out"); a required key or a list item must hold a value.
 *
 * Results: `external_value` defaults to NULL_ALLOWED, so the definitions allow null almost everywhere although
 * sites send null only where a field is really empty. With `declared`, every NULL_ALLOWED node is `| null` (the
 * letter of the contract). With `evident` (the default), null is kept only where Moodle shows it means it: a
 * VALUE_DEFAULT scalar whose default is null (clean_returnvalue fills in null when the key is left out), and a
 * NULL_ALLOWED scalar of a structure that marks another scalar NULL_NOT_ALLOWED (so its author, or an exporter,
 * chose null per field).
 */
function nullable(desc: WsDesc, r: Render, asKey: boolean, explicitNulls = false): boolean {
  if (!desc.allownull) return false;
  if (r.side === 'params') return asKey && desc.required !== VALUE_REQUIRED;
  if (r.nulls === 'declared') return true;
  if (desc.kind !== 'value' || !asKey) return false;
  return explicitNulls || (desc.required === VALUE_DEFAULT && desc.default === null);
}

/** Whether a structure chose null per field: one of its scalars is NULL_NOT_ALLOWED. */
function choosesNulls(desc: WsSingleDesc): boolean {
  for (const key in desc.keys) {
    const child = desc.keys[key] as WsDesc;
    if (child.kind === 'value' && !child.allownull) return true;
  }
  return false;
}

function render(desc: WsDesc, r: Render, indent: string): string {
  if (desc.kind === 'value') return scalar(desc.type);
  if (desc.kind === 'multiple') {
    const item = render(desc.content, r, indent);
    const full = nullable(desc.content, r, false) ? `${item} | null` : item;
    return /^[a-z]+$/.test(full) ? `${full}[]` : `Array<${full}>`;
  }
  const entries = Object.entries(desc.keys);
  if (entries.length === 0) return 'Record<string, never>';
  const explicit = r.side === 'returns' && choosesNulls(desc);
  if (!r.withDocs) {
    const parts = entries.map(([key, child]) => `${property(key, child, r, explicit, indent)};`);
    return `{ ${parts.join(' ')} }`;
  }
  const inner = `${indent}  `;
  const lines = entries.map(([key, child]) => {
    const doc = child.description ? docComment(child.description, inner) : '';
    return `${doc}${inner}${property(key, child, r, explicit, inner)};`;
  });
  return `{\n${lines.join('\n')}\n${indent}}`;
}

function property(key: string, child: WsDesc, r: Render, explicitNulls: boolean, indent: string): string {
  const type = render(child, r, indent);
  const full = nullable(child, r, true, explicitNulls) ? `${type} | null` : type;
  return `${propertyName(key)}${isOptional(child, r.side) ? '?' : ''}: ${full}`;
}

/** The body of types.ts (after the header). */
export function renderTypes(
  infos: WsFunctionInfo[],
  withDocs: boolean,
  nulls: ResultNulls = 'evident',
): string {
  const params: Render = { side: 'params', withDocs, nulls };
  const results: Render = { side: 'returns', withDocs, nulls };
  const lines: string[] = [
    '/**',
    ' * Every external function of the site, by name: `params` is what a caller passes, `returns` what Moodle',
    ' * answers. Optional keys end in `?`; int/float are numbers, bool is boolean, other PARAM_ types are strings.',
    ' */',
    'export interface MoodleFunctions {',
  ];
  for (const info of infos) {
    const doc: string[] = [];
    if (withDocs && info.description)
      doc.push(info.description.replace(/\*\//g, '*\u200b/').replace(/\s+/g, ' '));
    doc.push(`${info.type === 'read' ? 'Read' : 'Write'} function of ${info.component}.`);
    if (info.deprecated) doc.push('@deprecated Moodle marks this function deprecated.');
    lines.push(`  /** ${doc.join(' ')} */`);
    const paramsType = render(info.parameters, params, '    ');
    const returns = info.returns ? render(info.returns, results, '    ') : 'null';
    const returnsFull =
      info.returns && nullable(info.returns, results, false) ? `${returns} | null` : returns;
    lines.push(
      `  ${propertyName(info.name)}: {`,
      `    params: ${paramsType};`,
      `    returns: ${returnsFull};`,
      '  };',
    );
  }
  lines.push(
    '}',
    '',
    '/** The name of any function of the site. */',
    'export type MoodleFunctionName = keyof MoodleFunctions;',
    '',
    '/** What `F` takes. */',
    "export type MoodleParams<F extends MoodleFunctionName> = MoodleFunctions[F]['params'];",
    '',
    '/** What `F` returns. */',
    "export type MoodleResult<F extends MoodleFunctionName> = MoodleFunctions[F]['returns'];",
    '',
  );
  return lines.join('\n');
}
