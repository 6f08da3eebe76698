/**
 * Imports point down only: core uses nothing of ours; capability modules use core (hrimport may also read a site
 * through the moodle and totara clients); sandbox may use modules; connect (settings to clients) uses the moodle and
 * totara clients; cli and repl sit on top, and the cli reaches repl/ and codegen/ only by lazy import, so that
 * nothing imports back into it. No import cycles.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from './helpers/fixtures.js';

type Layer = 'core' | 'module' | 'sandbox' | 'connect' | 'cli' | 'repl' | 'codegen';
const MODULES = ['moodle', 'totara', 'lti', 'hrimport', 'mbz'];

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listTs(path));
    else if (name.endsWith('.ts')) out.push(path);
  }
  return out;
}

function areaOf(file: string): { layer: Layer; name: string } | undefined {
  const rel = relative(projectRoot, file).split('/');
  if (rel[0] === 'repl') return { layer: 'repl', name: 'repl' };
  if (rel[0] === 'codegen') return { layer: 'codegen', name: `codegen/${rel[1]}` };
  if (rel[0] !== 'src') return undefined;
  const top = rel[1] ?? '';
  if (top === 'core') return { layer: 'core', name: 'core' };
  if (top === 'cli') return { layer: 'cli', name: 'cli' };
  if (top === 'sandbox') return { layer: 'sandbox', name: 'sandbox' };
  if (top === 'connect') return { layer: 'connect', name: 'connect' };
  if (MODULES.includes(top)) return { layer: 'module', name: top };
  return undefined;
}

const files = [
  ...listTs(`${projectRoot}src`),
  ...listTs(`${projectRoot}repl`),
  ...listTs(`${projectRoot}codegen`),
];
const importRe =
  /(?:^|\n)\s*((?:import|export)\s[^;]*?)from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

/** How a file uses another: `static` loads it with the importer, `type` is erased, `dynamic` loads it when run. */
type ImportKind = 'static' | 'type' | 'dynamic';

function importEdgesOf(file: string): Array<{ target: string; kind: ImportKind }> {
  const text = readFileSync(file, 'utf8');
  const out: Array<{ target: string; kind: ImportKind }> = [];
  for (const match of text.matchAll(importRe)) {
    const spec = match[2] ?? match[3];
    if (!spec) continue;
    // with verbatimModuleSyntax only `import type` / `export type` are erased; `import { type X }` still loads
    const kind: ImportKind = match[3]
      ? 'dynamic'
      : /^(?:import|export)\s+type\s/.test(match[1] ?? '')
        ? 'type'
        : 'static';
    out.push({ target: resolve(dirname(file), spec).replace(/\.js$/, '.ts'), kind });
  }
  return out;
}

function importsOf(file: string): string[] {
  return importEdgesOf(file).map((edge) => edge.target);
}

function allowed(from: { layer: Layer; name: string }, to: { layer: Layer; name: string }): boolean {
  if (from.name === to.name) return true;
  switch (from.layer) {
    case 'core':
      return false;
    case 'module':
      return (
        to.layer === 'core' || (from.name === 'hrimport' && (to.name === 'moodle' || to.name === 'totara'))
      );
    case 'codegen':
    case 'sandbox':
      return to.layer === 'core' || to.layer === 'module';
    case 'connect':
      return to.layer === 'core' || to.name === 'moodle' || to.name === 'totara';
    case 'repl':
      return to.layer !== 'cli';
    case 'cli':
      return true;
  }
}

/** Every import from one area into another, read once for every test. */
const crossings = files.flatMap((file) => {
  const from = areaOf(file);
  if (!from) return [];
  return importEdgesOf(file).flatMap(({ target, kind }) => {
    const to = areaOf(target);
    return to && to.name !== from.name ? [{ file, target, kind, from, to }] : [];
  });
});

/** The files a file loads when it is imported: its static imports, transitively (type imports are erased). */
function staticClosure(entry: string): string[] {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const { target, kind } of importEdgesOf(file)) {
      if (kind !== 'static' || seen.has(target)) continue;
      seen.add(target);
      queue.push(target);
    }
  }
  return [...seen].map((file) => relative(projectRoot, file)).sort();
}

describe('architecture', () => {
  it('has imports that point down only', () => {
    const violations = crossings
      .filter(({ from, to }) => !allowed(from, to))
      .map(({ file, target }) => `${relative(projectRoot, file)} -> ${relative(projectRoot, target)}`);
    expect(violations).toEqual([]);
  });

  it('has no import cycles between areas', () => {
    const edges = new Map<string, Set<string>>();
    for (const { from, to } of crossings) {
      if (!edges.has(from.name)) edges.set(from.name, new Set());
      edges.get(from.name)?.add(to.name);
    }
    const cycles: string[] = [];
    const visit = (node: string, path: string[]) => {
      if (path.includes(node)) {
        cycles.push([...path.slice(path.indexOf(node)), node].join(' -> '));
        return;
      }
      for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
    };
    for (const node of edges.keys()) visit(node, []);
    expect(cycles).toEqual([]);
  });

  it('has no import cycles between files either, type-only imports included', () => {
    const edges = new Map(files.map((file) => [file, importsOf(file)]));
    const cycles = new Set<string>();
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        const loop = path.slice(path.indexOf(file)).map((f) => relative(projectRoot, f));
        cycles.add([...loop, relative(projectRoot, file)].join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const next of edges.get(file) ?? []) if (edges.has(next)) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect([...cycles]).toEqual([]);
  });

  it('has no back-edge into the CLI: repl/ and codegen/ never import src/cli, which loads them only lazily', () => {
    const intoCli = crossings.filter(({ to }) => to.layer === 'cli');
    expect(
      intoCli.map(({ file, target }) => `${relative(projectRoot, file)} -> ${relative(projectRoot, target)}`),
    ).toEqual([]);
    const eager = crossings.filter(
      ({ from, to, kind }) =>
        from.layer === 'cli' && (to.layer === 'repl' || to.layer === 'codegen') && kind !== 'dynamic',
    );
    expect(
      eager.map(({ file, target }) => `${relative(projectRoot, file)} -> ${relative(projectRoot, target)}`),
    ).toEqual([]);
  });

  it('keeps each area of the CLI light until a command runs: its specs load no npm package and no capability', () => {
    const areas = readdirSync(`${projectRoot}src/cli/commands`).filter((name) =>
      readFileSync(`${projectRoot}src/cli/main.ts`, 'utf8').includes(
        `import('./commands/${name.replace(/\.ts$/, '.js')}')`,
      ),
    );
    expect(areas.length).toBeGreaterThanOrEqual(10);
    const heavy = areas.flatMap((area) =>
      staticClosure(`${projectRoot}src/cli/commands/${area}`)
        .filter((file) => {
          if (file.startsWith('src/cli/')) return false;
          // a few light files are allowed: core's error classes and formatting, and plain data tables
          return ![
            'src/core/errors.ts',
            'src/core/redact.ts',
            'src/core/format.ts',
            'src/sandbox/lti/faults.ts',
          ].includes(file);
        })
        .map((file) => `${area} -> ${file}`),
    );
    expect(heavy).toEqual([]);
    const packages = areas.flatMap((area) =>
      staticClosure(`${projectRoot}src/cli/commands/${area}`).flatMap((file) =>
        [
          ...readFileSync(`${projectRoot}${file}`, 'utf8').matchAll(
            /(?:^|\n)\s*import\s(?!type\s)[^;]*?from\s+['"]([^.'"][^'"]*)['"]/g,
          ),
        ]
          .map((match) => match[1] ?? '')
          .filter((name) => !name.startsWith('node:'))
          .map((name) => `${area} (${file}) -> ${name}`),
      ),
    );
    expect(packages).toEqual([]);
  });

  it('keeps `mts --help` light: the entry loads only the CLI framework and the core error classes', () => {
    expect(staticClosure(`${projectRoot}src/cli/main.ts`)).toEqual([
      'src/cli/framework.ts',
      'src/cli/help.ts',
      'src/cli/main.ts',
      'src/core/errors.ts',
      'src/core/redact.ts',
    ]);
  });
});

describe('hrimport layout', () => {
  it('splits by verb: no folder of src/hrimport holds more than 15 files', () => {
    const counts = new Map<string, number>();
    for (const file of listTs(`${projectRoot}src/hrimport`)) {
      const folder = relative(projectRoot, dirname(file));
      counts.set(folder, (counts.get(folder) ?? 0) + 1);
    }
    expect([...counts].filter(([, n]) => n > 15)).toEqual([]);
    expect(counts.has('src/hrimport/csv') && counts.has('src/hrimport/validate')).toBe(true);
  });

  it('names every public export and keeps the parser, fingerprints and cycle finder internal', async () => {
    const entry = readFileSync(`${projectRoot}src/hrimport/index.ts`, 'utf8');
    expect(entry).not.toMatch(/export\s+\*/);
    const api = await import('../src/hrimport/index.js');
    for (const internal of ['CsvParser', 'FingerprintSet', 'fingerprint', 'findCycles', 'ChunkedSink'])
      expect(Object.keys(api)).not.toContain(internal);
  });
});

describe('totara layout', () => {
  const folders = (base: string) => {
    const counts = new Map<string, number>();
    for (const file of listTs(`${projectRoot}${base}`)) {
      const folder = relative(projectRoot, dirname(file));
      counts.set(folder, (counts.get(folder) ?? 0) + 1);
    }
    return counts;
  };

  it('keeps src/totara and src/sandbox/totara under 15 files a folder', () => {
    const counts = [...folders('src/totara'), ...folders('src/sandbox/totara')];
    expect(counts.filter(([, n]) => n > 15)).toEqual([]);
  });

  it('has no import cycle between files of src/totara, type-only imports included', () => {
    const own = listTs(`${projectRoot}src/totara`);
    const graph = new Map(own.map((file) => [file, importsOf(file).filter((t) => own.includes(t))]));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push(
          [...path.slice(path.indexOf(file)), file].map((f) => relative(projectRoot, f)).join(' -> '),
        );
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of own) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('names every public export and keeps the wire, error mapping, pacing and checking internal', async () => {
    for (const entry of ['src/totara/index.ts', 'src/totara/builder/index.ts', 'src/totara/schema/index.ts'])
      expect(readFileSync(`${projectRoot}${entry}`, 'utf8'), entry).not.toMatch(/export\s+\*\s+from/);
    const api = await import('../src/totara/index.js');
    for (const internal of [
      'postOperations',
      'totaraErrorFromResponse',
      'authFailure',
      'scrubberFor',
      'readGraphQLErrors',
      'RateWindow',
      'OperationChecker',
      'PageSizer',
      'located',
      'globToRegExp',
    ])
      expect(Object.keys(api)).not.toContain(internal);
  });
});

describe('mbz layout', () => {
  const mbz = `${projectRoot}src/mbz`;

  it('splits by concern: no folder of src/mbz holds more than 15 files', () => {
    const counts = new Map<string, number>();
    for (const file of listTs(mbz)) {
      const folder = relative(projectRoot, dirname(file));
      counts.set(folder, (counts.get(folder) ?? 0) + 1);
    }
    expect([...counts].filter(([, n]) => n > 15)).toEqual([]);
    expect(['src/mbz/archive', 'src/mbz/xml', 'src/mbz/backup'].every((f) => counts.has(f))).toBe(true);
  });

  it('keeps the archive layer free of Moodle: it imports only itself, mbz/errors and core, and names no backup file', () => {
    const archive = listTs(`${mbz}/archive`);
    const leaks = archive.flatMap((file) =>
      importsOf(file)
        .filter((target) => {
          const rel = relative(projectRoot, target);
          return (
            !rel.startsWith('src/mbz/archive/') && rel !== 'src/mbz/errors.ts' && !rel.startsWith('src/core/')
          );
        })
        .map((target) => `${relative(projectRoot, file)} -> ${relative(projectRoot, target)}`),
    );
    expect(leaks).toEqual([]);
    const words = archive.filter((file) =>
      /moodle|ARCHIVE_INDEX|files\.xml|users\.xml/i.test(readFileSync(file, 'utf8')),
    );
    expect(words.map((file) => relative(projectRoot, file))).toEqual([]);
  });

  it('names every public export of moodle-totara-sdk/mbz', () => {
    expect(readFileSync(`${mbz}/index.ts`, 'utf8')).not.toMatch(/export\s+\*/);
  });
});

describe('moodle and its sandbox', () => {
  const moodle = `${projectRoot}src/moodle`;
  const sandbox = `${projectRoot}src/sandbox/moodle`;

  it('keeps every folder under 16 files (split by verb: call/, validate/, functions/)', () => {
    const counts = new Map<string, number>();
    for (const file of [...listTs(moodle), ...listTs(sandbox)]) {
      const folder = relative(projectRoot, dirname(file));
      counts.set(folder, (counts.get(folder) ?? 0) + 1);
    }
    expect([...counts].filter(([, n]) => n > 15)).toEqual([]);
  });

  it('names every public export of moodle-totara-sdk/moodle, internals left out', () => {
    const index = readFileSync(`${moodle}/index.ts`, 'utf8');
    expect(index).not.toMatch(/export\s+\*/);
    const internals = [
      'decodeForm',
      'editDistance',
      'suggestFunctions',
      'cleanParam',
      'walkStructure',
      'phpString',
    ];
    expect(internals.filter((name) => new RegExp(`\\b${name}\\b`).test(index))).toEqual([]);
  });

  it('keeps "does a value fit its description" in moodle/validate: only it and the sandbox read param types', () => {
    const readers = [
      ...listTs(`${projectRoot}src`),
      ...listTs(`${projectRoot}repl`),
      ...listTs(`${projectRoot}codegen`),
    ]
      .filter((file) => !file.startsWith(`${moodle}/validate/`))
      .filter((file) =>
        importsOf(file).some((target) => /src\/moodle\/validate\/(param-types|structure)\.ts$/.test(target)),
      )
      .map((file) => relative(projectRoot, file));
    expect(
      readers.filter((file) => !file.startsWith('src/sandbox/moodle/') && file !== 'src/moodle/index.ts'),
    ).toEqual([]);
  });
});

describe('one way to do each thing', () => {
  it("builds Moodle's LTI endpoint URLs in one place (lti/moodle-endpoints.ts)", () => {
    const built = /\}\/(mod|enrol)\/lti\/[\w-]+\.php|['"`]\/(mod|enrol)\/lti\/[\w-]+\.php['"`]/;
    const elsewhere = listTs(`${projectRoot}src`)
      .filter((file) => !file.endsWith('src/lti/moodle-endpoints.ts'))
      .filter((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .some((line) => !/^\s*(\*|\/\/|\/\*)/.test(line) && built.test(line)),
      )
      .map((file) => relative(projectRoot, file));
    expect(elsewhere).toEqual([]);
  });
});
