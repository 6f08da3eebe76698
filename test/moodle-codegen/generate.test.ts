import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateMoodleFiles } from '../../codegen/moodle/generate.js';
import { coreFunctionTable, FunctionTable, type WsDesc } from '../../src/moodle/definitions.js';
import { runCli } from '../helpers/cli.js';
import {
  FIXTURES_SKIP_REASON,
  fixture,
  hasFixtures,
  projectRoot,
  readFixtureJson,
} from '../helpers/fixtures.js';

const DEFINITIONS = 'moodle-4.5/ws-definitions.json';
/** The input as the npm script names it, so the header matches byte for byte. */
const SCRIPT_INPUT = '../shared/fixtures/moodle-4.5/ws-definitions.json';

interface FixtureFunction {
  name: string;
  type: string;
  deprecated: boolean;
  services: string[];
  parameters_desc: unknown;
  returns_desc: unknown;
}

/** The fixture's node, in the table's shape, without prose (what the committed table must hold). */
function fromFixture(node: Record<string, unknown> | null): unknown {
  if (node === null) return null;
  const kind = node.kind === 'value' ? 'value' : node.kind === 'single_structure' ? 'single' : 'multiple';
  const out: Record<string, unknown> = { kind, required: node.required, allownull: node.allownull ?? false };
  if (kind === 'value') out.type = node.type;
  if (kind === 'single')
    out.keys = Object.fromEntries(
      Object.entries(node.keys as Record<string, Record<string, unknown>>).map(([k, v]) => [
        k,
        fromFixture(v),
      ]),
    );
  if (kind === 'multiple') out.content = fromFixture(node.content as Record<string, unknown>);
  if (node.required === 0) out.default = node.default;
  return out;
}

function normalise(desc: WsDesc | null): unknown {
  return desc === null ? null : JSON.parse(JSON.stringify(desc));
}

describe.skipIf(!hasFixtures)(`Moodle 4.5 codegen from the real definitions ${FIXTURES_SKIP_REASON}`, () => {
  it('regenerates the committed src/moodle/generated files byte for byte (drift test)', async () => {
    const files = generateMoodleFiles(await readFixtureJson(DEFINITIONS), { input: SCRIPT_INPUT });
    expect(files.map((f) => f.name)).toEqual(['functions.ts', 'types.ts']);
    for (const file of files) {
      const committed = await readFile(join(projectRoot, 'src/moodle/generated', file.name), 'utf8');
      expect(committed === file.content, `${file.name} drifted: run npm run generate:moodle`).toBe(true);
    }
  });

  it('holds every fixture function with its flags and structure, and no prose', async () => {
    const json = await readFixtureJson<{ functions: FixtureFunction[] }>(DEFINITIONS);
    const table = coreFunctionTable();
    expect(table.size).toBe(759);
    const infos = [...table.values()];
    expect(infos.filter((f) => f.type === 'read')).toHaveLength(385);
    expect(infos.filter((f) => f.type === 'write')).toHaveLength(374);
    expect(infos.filter((f) => f.deprecated).map((f) => f.name)).toHaveLength(4);
    for (const f of json.functions) {
      const info = table.get(f.name);
      expect(info, f.name).toBeDefined();
      expect(info?.type).toBe(f.type);
      expect(info?.deprecated).toBe(f.deprecated);
      expect(info?.services).toEqual([...f.services].sort());
      expect(normalise(info?.parameters ?? null)).toEqual(
        fromFixture(f.parameters_desc as Record<string, unknown>),
      );
      expect(normalise(info?.returns ?? null)).toEqual(
        fromFixture(f.returns_desc as Record<string, unknown> | null),
      );
      expect(info?.description).toBeUndefined();
    }
    const text = await readFile(join(projectRoot, 'src/moodle/generated/functions.ts'), 'utf8');
    expect(text).not.toContain('Return information about a course');
    expect(table.names()).toEqual([...table.names()].sort());
  });

  it('keeps Moodle numbering of required: VALUE_DEFAULT keys carry their default', () => {
    const info = coreFunctionTable().get('core_course_get_contents');
    const options = info?.parameters.keys.options;
    expect(options).toMatchObject({ kind: 'multiple', required: 0, default: [] });
    const courseid = info?.parameters.keys.courseid;
    expect(courseid).toMatchObject({ kind: 'value', type: 'int', required: 1 });
    expect(courseid && 'default' in courseid).toBe(false);
  });

  it('keeps descriptions when asked (a site owner generating for their own site)', async () => {
    const files = generateMoodleFiles(await readFixtureJson(DEFINITIONS), {
      input: 'ws-definitions.json',
      descriptions: true,
    });
    const types = files.find((f) => f.name === 'types.ts')?.content ?? '';
    expect(types).toContain('/** Return some site info / user info / list web service functions');
    const functions = files.find((f) => f.name === 'functions.ts')?.content ?? '';
    const table = FunctionTable.fromCompact(
      (await import(`data:text/javascript,${encodeURIComponent(functions.replace(': string', ''))}`))
        .MOODLE_FUNCTION_TABLE,
    );
    expect(table.get('core_webservice_get_site_info')?.description).toMatch(/^Return some site info/);
  });

  it('mts codegen moodle writes both files and reports them with --json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mts-codegen-'));
    try {
      const run = await runCli([
        'codegen',
        'moodle',
        '--definitions',
        fixture(DEFINITIONS),
        '--out',
        dir,
        '--json',
      ]);
      expect(run.code, run.stderr).toBe(0);
      const out = JSON.parse(run.stdout);
      expect(out.functions).toBe(759);
      expect(out.files.map((f: { path: string }) => f.path)).toEqual([
        join(dir, 'functions.ts'),
        join(dir, 'types.ts'),
      ]);
      const types = await readFile(join(dir, 'types.ts'), 'utf8');
      expect(types).toMatch(/^\/\/ Code generated by codegen\/moodle\/generate\.ts from .*DO NOT EDIT/s);
      expect(types).toContain(`mts codegen moodle --definitions ${fixture(DEFINITIONS)}`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('mts codegen moodle on bad input', () => {
  it('names the file and the path inside it, and writes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mts-codegen-bad-'));
    try {
      const file = join(dir, 'defs.json');
      await writeFile(
        file,
        JSON.stringify({
          functions: [
            {
              name: 'local_x_do',
              component: 'local_x',
              type: 'read',
              parameters_desc: { kind: 'single_structure', keys: { id: { kind: 'value', type: 7 } } },
              returns_desc: null,
            },
          ],
        }),
      );
      const out = join(dir, 'out');
      const run = await runCli(['codegen', 'moodle', '--definitions', file, '--out', out, '--json']);
      expect(run.code).toBe(1);
      const error = JSON.parse(run.stdout).error;
      expect(error.code).toBe('moodle.definitions_invalid');
      expect(error.path).toBe(`${file}#functions[0].parameters_desc.keys.id.type`);
      expect(error.hint).toContain('export-definitions.php');
      await expect(readFile(join(out, 'types.ts'))).rejects.toThrow();

      await writeFile(file, '<br />\n<b>Warning</b>: something{');
      const notJson = await runCli(['codegen', 'moodle', '--definitions', file, '--out', out, '--json']);
      expect(JSON.parse(notJson.stdout).error).toMatchObject({
        code: 'moodle.definitions_not_json',
        path: file,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a missing --out as a usage error (exit 2)', async () => {
    const run = await runCli(['codegen', 'moodle', '--definitions', 'x.json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--out DIR');
  });

  it('rejects duplicate function names and non-definitions input with typed errors', () => {
    const fn = {
      name: 'a_b',
      component: 'a',
      type: 'read',
      parameters_desc: { kind: 'single_structure', keys: {} },
      returns_desc: null,
    };
    expect(() => FunctionTable.fromDefinitions({ functions: [fn, fn] })).toThrow(
      expect.objectContaining({ code: 'moodle.definitions_invalid', details: { path: 'functions[1].name' } }),
    );
    expect(() => FunctionTable.fromDefinitions([fn])).toThrow(
      expect.objectContaining({ details: { path: 'functions' } }),
    );
    expect(() => FunctionTable.fromDefinitions({ functions: [{ ...fn, type: 'delete' }] })).toThrow(
      expect.objectContaining({ details: { path: 'functions[0].type' } }),
    );
  });
});
