/**
 * Issue 16, item 3: the public surface is a reviewed list. `api-report.md` names every export of every package.json
 * `exports` entry with its kind; this test fails when the surface changes without the report, and checks the
 * report against what each entry really exports at run time.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type PublicName,
  packageEntries,
  projectRoot,
  REFRESH_COMMAND,
  REPORT_PATH,
  readPublicNames,
  renderReport,
} from '../scripts/api-report.js';

const entries = packageEntries();
let names: Map<string, PublicName[]>;
beforeAll(() => {
  names = readPublicNames(entries);
}, 120_000);

/** `kind name` lines per entry of a report's text. */
function parseReport(text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  let current: Set<string> | undefined;
  for (const line of text.split('\n')) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) {
      current = new Set();
      out.set(heading[1] as string, current);
    }
    const item = /^- (\w+) `(.+)`$/.exec(line);
    if (item && current) current.add(`${item[1]} ${item[2]}`);
  }
  return out;
}

describe('scripts/api-report.ts', () => {
  it('tells classes, functions, consts, enums, namespaces and types apart, type-only exports included', () => {
    const root = `${mkdtempSync(join(tmpdir(), 'mts-api-report-'))}/`;
    try {
      mkdirSync(`${root}src/area`, { recursive: true });
      writeFileSync(
        `${root}tsconfig.build.json`,
        JSON.stringify({ compilerOptions: { module: 'NodeNext', strict: true }, include: ['src'] }),
      );
      writeFileSync(
        `${root}src/area/things.ts`,
        'export class C {}\nexport function f() {}\nexport const k = 1;\nexport interface I { a: number }\nexport enum E { A }\nexport type T = string;\nexport const internal = 2;\n',
      );
      writeFileSync(
        `${root}src/area/index.ts`,
        "export { C, E, f, k } from './things.js';\nexport type { C as CType, I, T } from './things.js';\nexport * as Things from './things.js';\nexport type * as ThingTypes from './things.js';\n",
      );
      const names = readPublicNames([{ specifier: 'pkg/area', source: 'src/area/index.ts' }], root);
      expect(names.get('pkg/area')?.map((n) => `${n.kind} ${n.name}`)).toEqual([
        'class C',
        'type CType',
        'enum E',
        'type I',
        'type T',
        'type ThingTypes',
        'namespace Things',
        'function f',
        'const k',
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the public API report', () => {
  it('covers every entry of package.json exports', () => {
    expect(entries.map((e) => e.specifier)).toContain('moodle-totara-sdk');
    expect(entries.length).toBeGreaterThanOrEqual(8);
    for (const entry of entries) expect(existsSync(`${projectRoot}${entry.source}`), entry.source).toBe(true);
  });

  it('is built from index files that name every export (no export *, so no internal leaks in by accident)', () => {
    const indexes = readdirSync(`${projectRoot}src`, { recursive: true, encoding: 'utf8' }).filter(
      (path) => basename(path) === 'index.ts',
    );
    expect(indexes.length).toBeGreaterThanOrEqual(entries.length);
    const wildcards = indexes.filter((path) =>
      /^export (type )?\* from/m.test(readFileSync(`${projectRoot}src/${path}`, 'utf8')),
    );
    expect(wildcards, 'index files with export *').toEqual([]);
  });

  it.each(entries.map((e) => [e.specifier]))(
    'lists exactly the names %s exports at run time',
    async (specifier) => {
      const module = (await import(/* @vite-ignore */ specifier)) as Record<string, unknown>;
      const reported = (names.get(specifier) ?? []).filter((n) => n.kind !== 'type');
      expect(Object.keys(module).sort()).toEqual(reported.map((n) => n.name).sort());
      for (const { name, kind } of reported)
        if (kind === 'class' || kind === 'function') expect(typeof module[name], name).toBe('function');
    },
  );

  it(`is up to date (refresh it with \`${REFRESH_COMMAND}\`)`, () => {
    const expected = renderReport(names);
    let committed = '';
    try {
      committed = readFileSync(`${projectRoot}${REPORT_PATH}`, 'utf8');
    } catch {
      // missing: reported below
    }
    if (committed === expected) return;
    const before = parseReport(committed);
    const after = parseReport(expected);
    const changes: string[] = [];
    for (const specifier of new Set([...before.keys(), ...after.keys()])) {
      const old = before.get(specifier) ?? new Set<string>();
      const now = after.get(specifier) ?? new Set<string>();
      for (const item of now) if (!old.has(item)) changes.push(`  + ${specifier}: ${item}`);
      for (const item of old) if (!now.has(item)) changes.push(`  - ${specifier}: ${item}`);
    }
    expect.fail(
      [
        `The public API changed and ${REPORT_PATH} does not say so. Review the change, then run \`${REFRESH_COMMAND}\` and commit ${REPORT_PATH}.`,
        ...(changes.length > 0 ? changes : ['  (only the wording or order of the report differs)']),
      ].join('\n'),
    );
  });
});
