import { describe, expect, it } from 'vitest';
import { columnsFor, ELEMENT_NAMES, type ElementName } from '../../src/hrimport/index.js';
import { FIXTURES_SKIP_REASON, hasFixtures, readFixtureJson } from '../helpers/fixtures.js';

interface FieldList {
  elements: Record<
    ElementName,
    { fields: string[]; conditional_fields: string[]; temp_table_columns: Record<string, string> }
  >;
}

describe.skipIf(!hasFixtures)(
  `columns per Totara version match the field lists of Totara's own sources ${hasFixtures ? '' : FIXTURES_SKIP_REASON}`,
  () => {
    it.each([
      [12, 'wild/hrimport/totara-12.9.1-hrimport-fields.json'],
      [17, 'wild/hrimport/totara-17.3-hrimport-fields.json'],
      [13, 'wild/hrimport/totara-17.3-hrimport-fields.json'],
    ])(
      'Totara %i: every field, conditional ones with their feature, and the lengths of the temp table',
      async (version, file) => {
        const list = await readFixtureJson<FieldList>(file);
        for (const element of ELEMENT_NAMES) {
          const theirs = list.elements[element];
          const plain = columnsFor(element, {
            totaraVersion: version,
            tenants: false,
            competencyAssignment: false,
          });
          const all = columnsFor(element, {
            totaraVersion: version,
            tenants: true,
            competencyAssignment: true,
          });
          const names = new Set([...plain, ...all].map((c) => c.name));
          expect([...names].sort(), element).toEqual([...theirs.fields, ...theirs.conditional_fields].sort());
          // Without the features, only the unconditional fields and the conditional ones that do not need a feature.
          for (const field of theirs.fields)
            expect(
              plain.map((c) => c.name),
              `${element}.${field}`,
            ).toContain(field);
          for (const column of all) {
            const type = theirs.temp_table_columns[column.name];
            const chars = /^char\((\d+)\)$/.exec(type ?? '')?.[1];
            if (chars && column.kind !== 'country' && column.kind !== 'date')
              expect(column.maxLength, `${element}.${column.name} (${type})`).toBe(Number(chars));
          }
        }
      },
    );

    it('competency assignment swaps aggregationmethod for assignavailability from Totara 13', () => {
      const names = (v: number, on: boolean) =>
        columnsFor('comp', { totaraVersion: v, tenants: false, competencyAssignment: on }).map((c) => c.name);
      expect(names(17, false)).toContain('aggregationmethod');
      expect(names(17, true)).toContain('assignavailability');
      expect(names(17, true)).not.toContain('aggregationmethod');
      expect(names(12, true)).toContain('aggregationmethod');
      expect(names(12, true)).not.toContain('assignavailability');
    });
  },
);
