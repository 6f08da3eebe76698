import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandGlobs, readDocuments } from '../../src/totara/schema/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mts-glob-'));
  for (const file of [
    'a.graphql',
    'src/b.graphql',
    'src/deep/c.gql',
    'src/deep/d.txt',
    'node_modules/x.graphql',
    '.hidden/e.graphql',
  ])
    await mkdir(join(dir, file, '..'), { recursive: true }).then(() =>
      writeFile(join(dir, file), 'query x_op { a }\n'),
    );
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('--documents patterns', () => {
  it('expands **, braces and directories, skipping node_modules and dot folders, sorted', async () => {
    const rel = async (patterns: string[]) =>
      (await expandGlobs(patterns, dir)).map((p) => p.slice(dir.length + 1));
    expect(await rel(['**/*.graphql'])).toEqual(['a.graphql', 'src/b.graphql']);
    expect(await rel(['src/**/*.{graphql,gql}'])).toEqual(['src/b.graphql', 'src/deep/c.gql']);
    expect(await rel(['src'])).toEqual(['src/b.graphql', 'src/deep/c.gql']);
    expect(await rel(['a.graphql', '*.graphql'])).toEqual(['a.graphql']);
    expect(await rel(['.hidden/*.graphql'])).toEqual(['.hidden/e.graphql']);
  });

  it('says so when nothing matches, with a hint about shell quoting', async () => {
    await expect(readDocuments(['nothing/**/*.graphql'], dir)).rejects.toMatchObject({
      code: 'totara.document.none',
      hint: expect.stringContaining('Quote the pattern'),
    });
  });
});
