/** Generators of hostile CSV content for hrimport tests (seeded, so failures reproduce). */

export { seededRandom as prng } from '../helpers/random.js';

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
