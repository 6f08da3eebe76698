import { describe, expect, it } from 'vitest';
import { renderValue } from '../../repl/render.js';

describe('renderValue', () => {
  it('counts table rows in good English: (1 row), (2 rows)', () => {
    const one = renderValue([{ id: 2, shortname: 'MATH100' }], { raw: false, color: false, columns: 100 });
    expect(one).toMatch(/\n\(1 row\)$/);
    const two = renderValue(
      [
        { id: 2, shortname: 'MATH100' },
        { id: 3, shortname: 'ART200' },
      ],
      { raw: false, color: false, columns: 100 },
    );
    expect(two).toMatch(/\n\(2 rows\)$/);
  });
});
