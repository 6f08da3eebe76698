/**
 * Files Moodle makes on request rather than stores: the generated image of a course without one
 * (`pluginfile.php/CONTEXT/course/generated/course.svg`, the `courseimage` of course lists). Serving them keeps
 * every file URL the sandbox hands out downloadable.
 */
import type { SandboxSite, SiteFile } from './site.js';

const COLOURS = ['#0f6cbf', '#7a2e8e', '#2e7d32', '#c2185b', '#ef6c00', '#00838f', '#5d4037', '#455a64'];

/** A small SVG pattern, one colour per course, as Moodle's generated course images are. */
function courseSvg(courseid: number): string {
  const colour = COLOURS[courseid % COLOURS.length] as string;
  const stripes = Array.from(
    { length: 6 },
    (_, i) =>
      `<rect x="${i * 40}" y="0" width="20" height="120" fill="#ffffff" fill-opacity="${(0.05 * (i + 1)).toFixed(2)}"/>`,
  ).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="120" viewBox="0 0 240 120"><rect width="240" height="120" fill="${colour}"/>${stripes}</svg>\n`;
}

/**
 * The generated file at a pluginfile path (already split and decoded: context id, component, file area, rest), or
 * undefined when the path names no generated file.
 */
export function generatedFile(site: SandboxSite, parts: readonly string[]): SiteFile | undefined {
  const [contextid, component, filearea, ...rest] = parts;
  if (component !== 'course' || filearea !== 'generated') return undefined;
  // make_pluginfile_url with a null itemid leaves it out: CONTEXT/course/generated/course.svg.
  if (rest.length !== 1 || rest[0] !== 'course.svg') return undefined;
  const course = [...site.courses.values()].find((c) => String(site.courseContextId(c.id)) === contextid);
  if (!course) return undefined;
  return {
    contextid: site.courseContextId(course.id),
    component,
    filearea,
    itemid: 0,
    filepath: '/',
    filename: 'course.svg',
    content: Buffer.from(courseSvg(course.id)),
    mimetype: 'image/svg+xml',
    userid: 0,
    author: '',
    timecreated: 0,
  };
}
