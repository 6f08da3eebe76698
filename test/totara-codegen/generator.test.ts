import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { introspectionFromSchema, isInputObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { generateTotara, writeGeneratedFiles } from '../../codegen/totara/generate.js';
import {
  loadSchemaFile,
  loadSchemaText,
  parseDocument,
  readDocuments,
  TotaraSchemaError,
} from '../../src/totara/schema/index.js';
import { typeCheck } from './compile.js';

const golden = 'test/totara-codegen/golden';

async function generateGolden() {
  const schema = await loadSchemaFile(`${golden}/schema.graphql`);
  const documents = await readDocuments([`${golden}/ops/*.graphql`]);
  return generateTotara({ schema, documents, inputName: 'schema.graphql' });
}

function thrown(fn: () => unknown): TotaraSchemaError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TotaraSchemaError) return error;
    throw error;
  }
  throw new Error('expected a TotaraSchemaError');
}

describe('Totara codegen on our own small schema', () => {
  it('matches the golden files (regenerate with UPDATE_GOLDEN=1)', async () => {
    const files = await generateGolden();
    expect(files.map((f) => f.name)).toEqual([
      'types.ts',
      'table.ts',
      'schema.ts',
      'operations.ts',
      'builder.ts',
      'index.ts',
    ]);
    if (process.env.UPDATE_GOLDEN) await writeGeneratedFiles(files, `${golden}/generated`);
    for (const file of files) {
      expect(file.content, file.name).toBe(await readFile(`${golden}/generated/${file.name}`, 'utf8'));
    }
  });

  it('gives the same bytes for the same schema read as SDL or as introspection JSON', async () => {
    const sdl = await loadSchemaFile(`${golden}/schema.graphql`);
    const json = JSON.stringify({ data: introspectionFromSchema(sdl.schema) });
    const fromJson = loadSchemaText(json, 'schema.json');
    expect(fromJson.format).toBe('introspection');
    const a = generateTotara({ schema: sdl, inputName: 'x' });
    const b = generateTotara({ schema: fromJson, inputName: 'x' });
    expect(b.map((f) => f.content)).toEqual(a.map((f) => f.content));
  });

  it('types operations exactly: aliases, fragments, __typename per member, @include as optional, core_date by format', async () => {
    const operations = (await generateGolden()).find((f) => f.name === 'operations.ts')?.content ?? '';
    expect(operations).toContain('label: string;'); // alias of name(format: HTML)
    expect(operations).toContain("__typename: 'shop_book';");
    expect(operations).toContain('pages?: number | null;'); // @include(if: $with_pages)
    expect(operations).toContain("published: S.CoreDateFormats['ISO8601'] | null;");
    expect(operations).toContain("raw: S.CoreDateFormats['TIMESTAMP'] | null;"); // the schema default
    expect(operations).toContain('published: S.CoreDateFormats[keyof S.CoreDateFormats] | null;'); // a variable
    expect(operations).toContain('query: S.shop_items_query;');
    expect(operations).toContain('with_pages?: boolean | null;');
  });

  it('lets users override scalars and leave descriptions out', async () => {
    const schema = await loadSchemaFile(`${golden}/schema.graphql`);
    const [types] = generateTotara({ schema, scalars: { core_id: 'number' }, descriptions: false });
    expect(types?.content).toContain('core_id: { input: number; output: number };');
    expect(types?.content).not.toContain('Numeric string id.');
    expect(types?.content).not.toContain('Use ACTIVE and the suspended flag.');
    expect(types?.content).toContain("/** @deprecated */\n  | 'SUSPENDED'");
  });
});

describe('operations are checked at generation time', () => {
  it('refuses an operation name Totara would refuse, naming file, line and a suggestion', async () => {
    const schema = await loadSchemaFile(`${golden}/schema.graphql`);
    const doc = parseDocument('\n\nquery ShopStatus {\n  shop_status\n}\n', 'ops/status.graphql');
    const error = thrown(() => generateTotara({ schema, documents: [doc] }));
    expect(error.code).toBe('totara.document.operation_name');
    expect(error.message).toContain('ops/status.graphql:3:1');
    expect(error.message).toContain('"shop_status"');
    const anonymous = thrown(() =>
      generateTotara({ schema, documents: [parseDocument('{ shop_status }', 'a.graphql')] }),
    );
    expect(anonymous.message).toContain('has no name');
  });

  it('refuses an operation that does not validate against the schema, with file:line:column', async () => {
    const schema = await loadSchemaFile(`${golden}/schema.graphql`);
    const doc = parseDocument(
      'query shop_bad {\n  shop_items(query: {search: "x"}) {\n    totl\n  }\n}\n',
      'ops/bad.graphql',
    );
    const error = thrown(() => generateTotara({ schema, documents: [doc] }));
    expect(error.code).toBe('totara.document.invalid');
    expect(error.message).toMatch(/ops\/bad\.graphql:3:5 Cannot query field "totl"/);
    expect(error.details?.problems).toHaveLength(1);
  });

  it('refuses operations nested deeper than Totara allows', () => {
    const schema = loadSchemaText(
      'type Query { node: node }\ntype node { next: node, value: Int }',
      'deep.graphql',
    );
    // Totara counts as graphql-php's QueryDepth: fields with a selection, below the top level (node is 0).
    const nested = (n: number) => `${'next { '.repeat(n)}value${' }'.repeat(n)}`;
    const doc = parseDocument(`query too_deep { node { ${nested(16)} } }`, 'deep.graphql');
    const error = thrown(() => generateTotara({ schema, documents: [doc] }));
    expect(error.message).toContain('16 levels deep');
    const fits = parseDocument(`query deep_enough { node { ${nested(15)} } }`, 'deep.graphql');
    expect(generateTotara({ schema, documents: [fits] }).map((f) => f.name)).toContain('operations.ts');
  });

  it('reports a syntax error with its position', () => {
    const error = thrown(() => parseDocument('query x {\n  a(\n}', 'broken.graphql'));
    expect(error.code).toBe('totara.document.parse');
    expect(error.message).toMatch(/^broken\.graphql:3:1: /);
  });
});

describe('schema input', () => {
  it('builds a hand-assembled SDL with a type defined twice, as Totara does, and says so', () => {
    const sdl =
      'type Query { a: x }\ninput x_filter { a: Int }\ninput x_filter { c: Int }\ntype x { b: Int }';
    const loaded = loadSchemaText(sdl, 'two.graphqls');
    expect(loaded.warnings[0]).toContain('x_filter');
    // the last definition wins, as the warning says
    const filter = loaded.schema.getType('x_filter');
    expect(isInputObjectType(filter) && Object.keys(filter.getFields())).toEqual(['c']);
  });

  it('gives typed errors for unusable input', async () => {
    expect(thrown(() => loadSchemaText('type Query {', 'cut.graphql')).message).toMatch(
      /^cut\.graphql:1:13:/,
    );
    expect(thrown(() => loadSchemaText('{"errors":[{"message":"no"}]}', 'e.json')).code).toBe(
      'totara.schema.unknown_format',
    );
    expect(thrown(() => loadSchemaText('{"data": ', 'e.json')).code).toBe('totara.schema.parse');
    expect(thrown(() => loadSchemaText('type Query { a: nope }', 'x.graphql')).code).toBe(
      'totara.schema.invalid',
    );
    const dir = await mkdtemp(join(tmpdir(), 'mts-codegen-'));
    try {
      await writeFile(join(dir, 'bom.graphql'), '\ufefftype Query { a: Int }');
      expect((await loadSchemaFile(join(dir, 'bom.graphql'))).schema.getQueryType()?.name).toBe('Query');
      await expect(loadSchemaFile(join(dir, 'missing.graphql'))).rejects.toMatchObject({
        code: 'totara.schema.unreadable',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('hostile input', () => {
  it('cannot end a comment and inject code through a file name or a description', () => {
    const sdl = 'type Query {\n  "ends */ globalThis.pwned = 1; /*"\n  a: Int\n}';
    const schema = loadSchemaText(sdl, 'x.graphql\nglobalThis.pwned = 2;');
    const doc = parseDocument('query a_op { a }', 'ops/*/\nglobalThis.pwned = 3;//.graphql');
    for (const { name, content } of generateTotara({ schema, documents: [doc] })) {
      expect(content, name).not.toMatch(/^\s*globalThis/m);
      expect(content, name).not.toMatch(/\*\/\s*globalThis/);
    }
  });
});

describe('what a user sees from the compiler', () => {
  it('a misspelt field in the generated builder is a type error naming the field, not "never"', {
    timeout: 120_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mts-totara-typo-'));
    try {
      const use = join(dir, 'use.ts');
      await writeFile(
        use,
        [
          `import { query } from '${join(process.cwd(), golden, 'generated/builder.js')}';`,
          "export const op = query('typo', { shop_status: true, shop_items: { __args: { query: { search: 'x' } }, items: { id: true, nmae: true } } });",
        ].join('\n'),
      );
      const messages = typeCheck([use])
        .filter((d) => d.file === use)
        .map((d) => d.message);
      expect(messages).toHaveLength(1);
      // e.g. Type 'true' is not assignable to type 'boolean & UnknownField<"shop_thing", "nmae">'.
      expect(messages[0]).toMatch(/UnknownField<"shop_thing", "nmae">|shop_thing has no field "nmae"/);
      expect(messages[0]).not.toMatch(/type 'never'/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
