/** Generated backups: both packings, every tar header variant, section and activity backups, large courses. */
import { describe, expect, it } from 'vitest';
import { inspectBackup, listEntries, verifyBackup } from '../../src/mbz/index.js';
import { buildBackup, generateBackup } from './helpers/generate-backup.js';

// With prefix headers only the folder part may be long; GNU and pax headers carry any length.
const longModule = (variant: string) => `plugin_${'x'.repeat(variant === 'prefix' ? 60 : 95)}`;

describe('generated backups', () => {
  it.each(['zip', 'tar.gz'] as const)(
    'reads a %s course backup back exactly, and verifies it clean',
    async (format) => {
      const spec = {
        activities: 7,
        sections: 3,
        blobs: 4,
        users: 5,
        title: (i: number) => `Quiz <${i}> & "notes"`,
      };
      const generated = generateBackup(spec);
      const bytes = buildBackup(spec, format);
      const summary = await inspectBackup(bytes, { inventory: true });
      expect(summary.format).toBe(format);
      expect(summary.activities).toEqual(generated.activities);
      expect(summary.sections.map((s) => s.id)).toEqual(generated.sectionIds);
      expect(summary.files.count).toBe(4);
      expect(summary.files.totalBytes).toBe(generated.blobs.reduce((sum, b) => sum + b.size, 0));
      expect(summary.files.directories).toBe(1);
      expect(summary.users).toEqual({ count: 5, anonymised: false });
      expect(summary.original.fullname).toBe('Generated & tested');
      expect(summary.inventory?.sections.map((s) => s.sequence.length)).toEqual([3, 2, 2]);
      const report = await verifyBackup(bytes);
      expect(report.problems).toEqual([]);
      expect(report.ok).toBe(true);
    },
  );

  it.each(['prefix', 'gnu', 'pax'] as const)(
    'reads tar entries whose names need %s headers',
    async (variant) => {
      const LONG_MODULE = longModule(variant);
      const spec = { activities: 2, modules: [LONG_MODULE] };
      const bytes = buildBackup(spec, 'tar.gz', variant);
      const entries = await listEntries(bytes);
      const long = entries.filter((e) => e.name.length > 100);
      expect(long.length).toBeGreaterThan(0);
      expect(long.map((e) => e.name)).toContain(`activities/${LONG_MODULE}_1000/${LONG_MODULE}.xml`);
      const summary = await inspectBackup(bytes);
      expect(summary.activities.map((a) => a.modulename)).toEqual([LONG_MODULE, LONG_MODULE]);
      expect(summary.archiveIndex?.matches).toBe(true);
      expect((await verifyBackup(bytes)).ok).toBe(true);
    },
  );

  it('finds moodle_backup.xml wherever it sits in a tar.gz (first or last)', async () => {
    for (const manifestFirst of [true, false]) {
      const summary = await inspectBackup(buildBackup({ manifestFirst }, 'tar.gz'));
      expect(summary.activities).toHaveLength(3);
    }
  });

  it('reads section and activity backups', async () => {
    const section = await inspectBackup(
      buildBackup({ type: 'section', sections: 1, activities: 2 }, 'tar.gz'),
    );
    expect(section.type).toBe('section');
    expect(section.sections).toHaveLength(1);
    const activity = await inspectBackup(buildBackup({ type: 'activity', activities: 1 }, 'zip'));
    expect(activity.type).toBe('activity');
    expect(activity.sections).toEqual([]);
    expect(activity.manifest.contents.course).toBeNull();
    expect((await verifyBackup(buildBackup({ type: 'activity', activities: 1 }, 'tar.gz'))).ok).toBe(true);
  });

  it('reports no user data as null and anonymised backups as such', async () => {
    expect((await inspectBackup(buildBackup({ users: null }, 'zip'))).users).toBeNull();
    expect((await inspectBackup(buildBackup({ users: 3, anonymise: true }, 'tar.gz'))).users).toEqual({
      count: 3,
      anonymised: true,
    });
  });

  it('handles a course with thousands of activities in both packings', async () => {
    for (const format of ['tar.gz', 'zip'] as const) {
      const bytes = buildBackup({ activities: 3000, sections: 40, blobs: 50, groups: 12 }, format);
      const summary = await inspectBackup(bytes, { inventory: true });
      expect(summary.activities).toHaveLength(3000);
      expect(summary.inventory?.sections).toHaveLength(40);
      expect(summary.inventory?.groups).toEqual({ groups: 12, groupings: 0, members: 12 });
      expect(summary.inventory?.activitiesByModule.forum).toBe(600);
      const report = await verifyBackup(bytes);
      expect(report.problems).toEqual([]);
    }
  });

  it('reports progress in bytes for tar.gz and entries for zip, ending at the total', async () => {
    for (const format of ['tar.gz', 'zip'] as const) {
      const events: { done: number; total?: number | undefined; unit?: string | undefined }[] = [];
      await inspectBackup(buildBackup({ blobs: 20, blobSize: 50_000 }, format), {
        onProgress: (e) => events.push(e),
      });
      const last = events.at(-1);
      expect(last?.unit).toBe(format === 'zip' ? 'entries' : 'bytes');
      expect(last?.done).toBe(last?.total);
    }
  });
  it.each(['zip', 'tar.gz'] as const)(
    'gives each activity the visibility its module.xml records, reading module.xml only for an inventory (%s)',
    async (format) => {
      const spec = { activities: 6, visible: (i: number) => i % 3 !== 1 };
      const generated = generateBackup(spec);
      const summary = await inspectBackup(buildBackup(spec, format), { inventory: true });
      expect(summary.inventory?.activities.map((a) => [a.moduleId, a.visible])).toEqual(
        generated.activities.map((a, i) => [a.moduleId, i % 3 !== 1]),
      );
      expect(summary.inventory?.hiddenActivities).toBe(2);
      expect(summary.inventory?.activities[0]).toMatchObject({
        visibleOnCoursePage: true,
        availability: null,
      });

      // A damaged module.xml does not stand in the way of a plain inspect, which does not read it.
      const damaged = buildBackup(
        { ...spec, replace: { 'activities/page_1001/module.xml': '<module>' } },
        format,
      );
      expect((await inspectBackup(damaged)).activities).toHaveLength(6);
      await expect(inspectBackup(damaged, { inventory: true })).rejects.toMatchObject({
        code: 'mbz.xml_malformed',
        details: { path: 'activities/page_1001/module.xml' },
      });
    },
  );
});
