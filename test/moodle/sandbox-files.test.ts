/** Every file URL the sandbox hands out can be downloaded (what `mts doctor`'s moodle.download check relies on). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MoodleClient } from '../../src/moodle/index.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';

let sandbox: Sandbox;
let moodle: MoodleClient;
beforeAll(async () => {
  sandbox = await startSandbox({ moodle: { basePath: '/moodle' } });
  moodle = new MoodleClient({ url: sandbox.moodle.url, token: sandbox.moodle.token });
});
afterAll(async () => sandbox?.close());

async function bytesOf(url: string): Promise<{ bytes: Buffer; contentType: string | undefined }> {
  const file = await moodle.download(url);
  const chunks: Buffer[] = [];
  for await (const chunk of file.stream) chunks.push(chunk as Buffer);
  return { bytes: Buffer.concat(chunks), contentType: file.contentType };
}

describe('sandbox Moodle file URLs', () => {
  it('serves every courseimage, overview, summary and module file URL of the course list and contents', async () => {
    const { courses } = await moodle.call('core_course_get_courses_by_field', {});
    expect(courses.length).toBeGreaterThan(1);
    const urls = new Set<string>();
    for (const course of courses) {
      if (course.courseimage) urls.add(course.courseimage);
      for (const file of [...(course.overviewfiles ?? []), ...(course.summaryfiles ?? [])])
        if (file.fileurl) urls.add(file.fileurl);
      for (const section of await moodle.call('core_course_get_contents', { courseid: course.id }))
        for (const module of section.modules)
          for (const content of module.contents ?? []) if (content.fileurl) urls.add(content.fileurl);
    }
    const images = [...urls].filter((url) => url.includes('/course/generated/'));
    expect(images.length).toBe(courses.length);
    expect(urls.size).toBeGreaterThan(images.length);
    for (const url of urls) {
      const { bytes } = await bytesOf(url);
      expect(bytes.length, url).toBeGreaterThan(0);
    }
    const image = await bytesOf(images[0] as string);
    expect(image.contentType).toBe('image/svg+xml');
    expect(image.bytes.toString('utf8')).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });

  it('still answers filenotfound for a generated image of a context that is no course', async () => {
    const error = await moodle
      .download(`${sandbox.moodle.url}/pluginfile.php/999999/course/generated/course.svg`)
      .catch((e: unknown) => e);
    expect((error as { errorcode?: string }).errorcode).toBe('filenotfound');
  });
});

describe('webservice/upload.php with a body PHP cannot parse', () => {
  it.each([
    ['no boundary', 'multipart/form-data', 'token=x'],
    [
      'a truncated part',
      'multipart/form-data; boundary=XX',
      '--XX\r\nContent-Disposition: form-data; name="token"\r\n\r\nabc',
    ],
  ])(
    'answers a Moodle error about the request, not a server failure (%s)',
    async (_case, contentType, body) => {
      const response = await fetch(`${sandbox.moodle.url}/webservice/upload.php`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      });
      expect(response.status).toBeLessThan(500);
      // PHP reads no field from such a body, so upload.php finds no token.
      expect(await response.json()).toMatchObject({
        errorcode: 'missingparam',
        error: 'A required parameter (token) was missing',
      });
    },
  );

  it('with the token in the query, stores nothing and answers an empty list', async () => {
    const response = await fetch(
      `${sandbox.moodle.url}/webservice/upload.php?token=${sandbox.moodle.token}&filearea=draft`,
      {
        method: 'POST',
        headers: { 'content-type': 'multipart/form-data; boundary=XX' },
        body: '--XX\r\nbroken',
      },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([]);
  });
});
