/** Generators of hostile CSV content for hrimport tests (seeded, so failures reproduce). */

/** A small seeded PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  '"',
  '""',
  ',',
  ';',
  ':',
  '\t',
  '|',
  '\n',
  '\r\n',
  '\r',
  '=SUM(A1:A9)',
  '+cmd|',
  '-2+3',
  '@HYPERLINK("x")',
  '😀',
  '👩‍👩‍👧',
  'مرحبا بالعالم',
  'שלום',
  '\u202e',
  ' ',
  'plain',
  'Ünïcödé',
  '',
  '\u00a0',
];

/** A string made of hostile pieces; `withBackslash` adds backslashes too (which Totara's reader mishandles). */
export function hostileText(random: () => number, withBackslash = false): string {
  const count = Math.floor(random() * 6);
  let out = '';
  for (let i = 0; i < count; i++) out += PIECES[Math.floor(random() * PIECES.length)];
  if (withBackslash && random() < 0.2) out += '\\"\\';
  if (random() < 0.2) out = PIECES[10 + Math.floor(random() * 4)] + out;
  return out;
}
