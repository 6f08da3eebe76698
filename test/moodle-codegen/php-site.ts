/**
 * Generates the site file of the PHP stub (php-stub/config.php) from a definitions JSON: one PHP class per
 * classname with the `<method>_parameters` / `_returns` methods building the same external_* descriptions, the
 * db/services.php declarations and the database rows. export-definitions.php run over it must give back the input.
 */

interface Node {
  kind: string;
  type?: string;
  allownull?: boolean;
  class: string;
  required: number;
  default: unknown;
  description: string;
  keys?: Record<string, Node>;
  content?: Node;
}

/** A function of the definitions JSON. */
export interface DefinitionFunction {
  name: string;
  component: string;
  classname: string;
  methodname: string;
  classpath: string | null;
  description: string | null;
  type: string;
  capabilities_raw: string;
  services: string[];
  services_db: string[];
  ajax: boolean;
  loginrequired: boolean;
  readonlysession: boolean;
  deprecated: boolean;
  parameters_desc: Node;
  returns_desc: Node | null;
}

function php(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : JSON.stringify(value);
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(php).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${php(k)} => ${php(v)}`);
  return `(object)[${entries.join(', ')}]`;
}

function node(n: Node): string {
  const cls = `\\${n.class.split('\\').pop()}`;
  const tail = `${php(n.description)}, ${n.required}, ${php(n.default)}`;
  if (n.kind === 'value') return `new ${cls}(${php(n.type)}, ${tail}, ${php(n.allownull)})`;
  if (n.kind === 'multiple_structure') return `new ${cls}(${node(n.content as Node)}, ${tail})`;
  const keys = Object.entries(n.keys ?? {}).map(([k, v]) => `${php(k)} => ${node(v)}`);
  return `new ${cls}([${keys.join(', ')}], ${tail})`;
}

/** The PHP text of a stub site holding `functions`. */
export function phpSite(release: string, version: string, functions: DefinitionFunction[]): string {
  const byClass = new Map<string, DefinitionFunction[]>();
  // PHP class and method names are case-insensitive, and two functions may share one method (an alias).
  for (const f of functions) {
    const key = f.classname.replace(/^\\/, '').toLowerCase();
    const list = byClass.get(key) ?? [];
    if (!list.some((g) => g.methodname.toLowerCase() === f.methodname.toLowerCase())) list.push(f);
    byClass.set(key, list);
  }
  const out: string[] = ['<?php'];
  for (const fns of byClass.values()) {
    const parts = (fns[0] as DefinitionFunction).classname.replace(/^\\/, '').split('\\');
    const short = parts.pop() as string;
    out.push(`namespace ${parts.join('\\')} {`, `class ${short} {`);
    for (const f of fns) {
      const m = f.methodname;
      out.push(
        `public static function ${m}() {}`,
        `public static function ${m}_parameters() { return ${node(f.parameters_desc)}; }`,
        `public static function ${m}_returns() { return ${f.returns_desc ? node(f.returns_desc) : 'null'}; }`,
      );
      if (f.deprecated) out.push(`public static function ${m}_is_deprecated() { return true; }`);
    }
    out.push('}', '}');
  }
  const declared = Object.fromEntries(
    functions.map((f) => [
      f.name,
      {
        classname: f.classname,
        methodname: f.methodname,
        description: f.description,
        type: f.type,
        ajax: f.ajax,
        loginrequired: f.loginrequired,
        readonlysession: f.readonlysession,
        services: f.services,
      },
    ]),
  );
  const rows = functions.map((f) => ({
    name: f.name,
    classname: f.classname,
    methodname: f.methodname,
    classpath: f.classpath,
    component: f.component,
    capabilities: f.capabilities_raw,
  }));
  const serviceRows = functions.flatMap((f) =>
    f.services_db.map((s) => ({ functionname: f.name, shortname: s, name: s })),
  );
  const site = { release, version, declared, functions: rows, service_rows: serviceRows };
  out.push('namespace {', `$GLOBALS['STUB_SITE'] = ${phpArray(site)};`, '}');
  return `${out.join('\n')}\n`;
}

/** Like php(), but objects become associative arrays (what services.php and DB rows are). */
function phpArray(value: unknown): string {
  if (value === null || typeof value !== 'object') return php(value);
  if (Array.isArray(value)) return `[${value.map(phpArray).join(', ')}]`;
  return `[${Object.entries(value)
    .map(([k, v]) => `${php(k)} => ${phpArray(v)}`)
    .join(', ')}]`;
}
