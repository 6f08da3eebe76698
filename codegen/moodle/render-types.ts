/**
 * Renders the `MoodleFunctions` interface: for each function its `params` (what a caller passes) and `returns`
 * (what Moodle answers after clean_returnvalue).
 */
import {
  VALUE_DEFAULT,
  VALUE_REQUIRED,
  type WsDesc,
  type WsFunctionInfo,
} from '../../src/moodle/definitions.js';

type Side = 'params' | 'returns';

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
 * Whether `null` belongs in the type. Returns: where Moodle allows null. Parameters: only optional keys (null is
 * never sent, so it means "leave it out"); a required key or a list item must hold a value.
 */
function nullable(desc: WsDesc, side: Side, asKey: boolean): boolean {
  if (!desc.allownull) return false;
  return side === 'returns' || (asKey && desc.required !== VALUE_REQUIRED);
}

function render(desc: WsDesc, side: Side, withDocs: boolean, indent: string): string {
  if (desc.kind === 'value') return scalar(desc.type);
  if (desc.kind === 'multiple') {
    const item = render(desc.content, side, withDocs, indent);
    const full = nullable(desc.content, side, false) ? `${item} | null` : item;
    return /^[a-z]+$/.test(full) ? `${full}[]` : `Array<${full}>`;
  }
  const entries = Object.entries(desc.keys);
  if (entries.length === 0) return 'Record<string, never>';
  if (!withDocs) {
    const parts = entries.map(([key, child]) => `${property(key, child, side, false, indent)};`);
    return `{ ${parts.join(' ')} }`;
  }
  const inner = `${indent}  `;
  const lines = entries.map(([key, child]) => {
    const doc = child.description ? docComment(child.description, inner) : '';
    return `${doc}${inner}${property(key, child, side, true, inner)};`;
  });
  return `{\n${lines.join('\n')}\n${indent}}`;
}

function property(key: string, child: WsDesc, side: Side, withDocs: boolean, indent: string): string {
  const type = render(child, side, withDocs, indent);
  const full = nullable(child, side, true) ? `${type} | null` : type;
  return `${propertyName(key)}${isOptional(child, side) ? '?' : ''}: ${full}`;
}

/** The body of types.ts (after the header). */
export function renderTypes(infos: WsFunctionInfo[], withDocs: boolean): string {
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
    const params = render(info.parameters, 'params', withDocs, '    ');
    const returns = info.returns ? render(info.returns, 'returns', withDocs, '    ') : 'null';
    const returnsFull =
      info.returns && nullable(info.returns, 'returns', false) ? `${returns} | null` : returns;
    lines.push(
      `  ${propertyName(info.name)}: {`,
      `    params: ${params};`,
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
