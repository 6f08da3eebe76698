import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

const MAGIC = /[*?[{]/;

/**
 * Expands file patterns (`src/**\/*.graphql`, `ops/{users,jobs}.gql`, a plain file, or a directory meaning every
 * `.graphql`/`.gql` file under it) to a sorted, de-duplicated list of absolute paths. Node 20 has no `fs.glob`,
 * so this walks the directories itself; `node_modules` and dot directories are skipped unless named.
 *
 * @example
 * ```ts
 * const files = await expandGlobs(['src/**\/*.graphql'], process.cwd());
 * ```
 */
export async function expandGlobs(
  patterns: readonly string[],
  cwd: string = process.cwd(),
): Promise<string[]> {
  const found = new Set<string>();
  for (const pattern of patterns) {
    const absolute = isAbsolute(pattern) ? pattern : resolve(cwd, pattern);
    if (!MAGIC.test(pattern)) {
      const info = await stat(absolute).catch(() => undefined);
      if (info?.isDirectory()) {
        for (const file of await walk(absolute, ''))
          if (/\.(graphql|gql)$/i.test(file)) found.add(join(absolute, file));
      } else if (info) {
        found.add(absolute);
      }
      continue;
    }
    const parts = absolute.split(sep);
    const firstMagic = parts.findIndex((part) => MAGIC.test(part));
    const base = parts.slice(0, firstMagic).join(sep) || sep;
    const matcher = globToRegExp(parts.slice(firstMagic).join('/'));
    const explicitDot = /(^|\/)\./.test(parts.slice(firstMagic).join('/'));
    for (const file of await walk(base, '', explicitDot)) {
      if (matcher.test(file)) found.add(join(base, file));
    }
  }
  return [...found].sort();
}

async function walk(dir: string, prefix: string, includeDot = false): Promise<string[]> {
  const entries = await readdir(join(dir, prefix), { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!includeDot && entry.name.startsWith('.')) continue;
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules') continue;
      out.push(...(await walk(dir, rel, includeDot)));
    } else if (entry.isFile()) {
      out.push(rel);
    }
  }
  return out;
}

/**
 * A glob (`**`, `*`, `?`, `{a,b}`, `[abc]`) over `/`-separated relative paths as a regular expression.
 *
 * @example
 * ```ts
 * globToRegExp('src/**\/*.{graphql,gql}').test('src/users/list.graphql'); // true
 * ```
 */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob.charAt(i);
    if (c === '*') {
      if (glob.charAt(i + 1) === '*') {
        const slash = glob.charAt(i + 2) === '/';
        out += slash ? '(?:[^/]*/)*' : '.*';
        i += slash ? 2 : 1;
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') out += '[^/]';
    else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else if (c === '[') {
      const end = glob.indexOf(']', i);
      if (end < 0) out += '\\[';
      else {
        out += `[${glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else out += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/**
 * A path relative to `cwd` when it lies under it, for messages.
 *
 * @example
 * ```ts
 * displayPath('/srv/app/ops/users.graphql', '/srv/app'); // 'ops/users.graphql'
 * ```
 */
export function displayPath(path: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : path;
}
