import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateMoodleFiles } from '../../codegen/moodle/generate.js';
import { runCli } from '../helpers/cli.js';

const value = (type: string, extra: Record<string, unknown> = {}) => ({
  kind: 'value',
  type,
  required: 1,
  allownull: true,
  ...extra,
});

/** One function whose result holds each case of null: the default, a VALUE_DEFAULT null, an exporter-like structure. */
const DEFINITIONS = {
  functions: [
    {
      name: 'local_demo_get',
      component: 'local_demo',
      type: 'read',
      parameters_desc: {
        kind: 'single_structure',
        keys: { id: value('int', { allownull: false }), note: value('raw', { required: 2 }) },
      },
      returns_desc: {
        kind: 'multiple_structure',
        allownull: true,
        content: {
          kind: 'single_structure',
          allownull: true,
          keys: {
            id: value('int'),
            name: value('text'),
            timeclosed: value('int', { required: 0, default: null }),
            exported: {
              kind: 'single_structure',
              allownull: true,
              keys: { id: value('int', { allownull: false }), summary: value('raw') },
            },
            tags: { kind: 'multiple_structure', allownull: true, content: value('raw') },
          },
        },
      },
    },
  ],
};

function typesOf(nullableResults: boolean): string {
  const files = generateMoodleFiles(DEFINITIONS, { input: 'demo.json', nullableResults });
  return files.find((f) => f.name === 'types.ts')?.content ?? '';
}

describe('result nullability of generated types', () => {
  it('types results non-null by default, keeping null where Moodle evidently sends it', () => {
    const types = typesOf(false);
    expect(types).toContain(
      'returns: Array<{ id: number; name: string; timeclosed: number | null; exported: { id: number; summary: string | null; }; tags: string[]; }>;',
    );
    // Parameters are unchanged: an optional key may be null ("leave it out").
    expect(types).toContain('params: { id: number; note?: string | null; };');
    expect(types).toContain('--nullable-results');
  });

  it('with nullableResults, types every NULL_ALLOWED result value `| null`', () => {
    const types = typesOf(true);
    expect(types).toContain(
      'returns: Array<{ id: number | null; name: string | null; timeclosed: number | null; exported: { id: number; summary: string | null; } | null; tags: Array<string | null> | null; } | null> | null;',
    );
    expect(types).toContain('params: { id: number; note?: string | null; };');
    expect(types).toContain('generated with --nullable-results');
  });

  it('mts codegen moodle --nullable-results writes the strict form and names the flag in the header', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mts-codegen-nulls-'));
    try {
      const file = join(dir, 'defs.json');
      await writeFile(file, JSON.stringify(DEFINITIONS));
      const out = join(dir, 'out');
      const run = await runCli([
        'codegen',
        'moodle',
        '--definitions',
        file,
        '--out',
        out,
        '--nullable-results',
      ]);
      expect(run.code, run.stderr).toBe(0);
      const types = await readFile(join(out, 'types.ts'), 'utf8');
      expect(types).toContain(
        `regenerate with \`mts codegen moodle --definitions ${file} --out ${out} --nullable-results\``,
      );
      expect(types).toContain('id: number | null; name: string | null;');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
