/**
 * The test bench's pages in a real browser (Debian's chromium): register the tool from the platform's "Add LTI
 * Advantage", activate it, launch, post a grade, see it in the gradebook, pick content by deep linking, and read a
 * refused launch's diagnosis. With MTS_UPDATE_SCREENSHOTS=1 the README's screenshots (docs/images/) are made here.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startToolEmulator, type ToolEmulator } from '../../../src/sandbox/lti/tool/emulator.js';
import { type Sandbox, startSandbox } from '../../../src/sandbox/server.js';
import { projectRoot } from '../../helpers/fixtures.js';
import { CHROMIUM_SKIP_REASON, hasChromium, openBrowser } from './browser.js';

const SCREENSHOTS = process.env.MTS_UPDATE_SCREENSHOTS ? join(projectRoot, 'docs', 'images') : undefined;

/** Saves a screenshot for the README when asked to (never in a normal run: the tree stays clean). */
async function shoot(target: Page | Locator, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  await mkdir(SCREENSHOTS, { recursive: true });
  await target.screenshot({ path: join(SCREENSHOTS, `${name}.png`), animations: 'disabled' });
}

describe.skipIf(!hasChromium)(
  `the LTI test bench pages in chromium ${hasChromium ? '' : CHROMIUM_SKIP_REASON}`,
  () => {
    let sandbox: Sandbox;
    let tool: ToolEmulator;
    let dataDir: string;
    let browser: Awaited<ReturnType<typeof openBrowser>>;
    let context: BrowserContext;
    let page: Page;

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'mts-tool-browser-'));
      [sandbox, tool, browser] = await Promise.all([
        startSandbox(),
        startToolEmulator({ dataDir }),
        openBrowser(),
      ]);
      context = browser.context;
      page = await context.newPage();
    });
    afterAll(async () => {
      await browser?.close();
      await tool?.close();
      await sandbox?.close();
      await rm(dataDir, { recursive: true, force: true });
    });

    it('"Add LTI Advantage" registers the tool; it is Pending until activated', async () => {
      await page.goto(sandbox.lti.pagesUrl);
      await page.fill('#add-lti-advantage input[name=url]', tool.registrationUrl);
      await page.click('#add-lti-advantage button');
      const frame = page.frameLocator('#registration-frame');
      await expect
        .poll(() => frame.locator('#granted h2').textContent())
        .toContain(`Registered with ${sandbox.lti.issuer}`);
      await expect.poll(() => frame.locator('#granted').textContent()).toContain('Pending');
      await shoot(page.locator('#add-tool'), 'lti-register');
      // The tool's "Close" posts org.imsglobal.lti.close: the platform page reloads with the new tool.
      await Promise.all([page.waitForEvent('load'), frame.locator('#close').click()]);
      const card = page.locator('.tool').first();
      await expect.poll(() => card.locator('h3').textContent()).toContain('Pending');
      await card.locator('button', { hasText: 'Activate' }).click();
      await expect.poll(() => page.locator('.tool h3').first().textContent()).toContain('Active');
    });

    it('a launch shows the user, the roles, the context, every check passed and every claim', async () => {
      await page.goto(sandbox.lti.pagesUrl);
      const form = page.locator('.launch-form').first();
      await form.locator('select[name=userId]').selectOption('3');
      await Promise.all([page.waitForURL(`${tool.url}/launch`), form.locator('button').click()]);
      await expect.poll(() => page.locator('#verdict h2').textContent()).toBe('Valid LtiResourceLinkRequest');
      const summary = await page.locator('#summary').textContent();
      expect(summary).toContain('Stu Dent');
      expect(summary).toContain('Learner (membership)');
      expect(summary).toContain('Sandbox course');
      const results = await page.locator('#checks-table tbody tr td:nth-child(2)').allTextContents();
      expect(results.length).toBeGreaterThan(15);
      expect(results.every((text) => text.startsWith('pass'))).toBe(true);
      expect(await page.locator('#claims-table').textContent()).toContain(
        'https://purl.imsglobal.org/spec/lti/claim/roles',
      );
      await shoot(page, 'lti-launch');
      await shoot(page.locator('#checks'), 'lti-checks');
    });

    it('"Post score" posts a grade, shown as request and response, and the gradebook has it', async () => {
      await page.fill('input[name=scoreGiven]', '9');
      await page.click('#post-score');
      const call = page.locator('.service-call[data-action="ags.post_score"]').first();
      await expect.poll(() => call.locator('p').first().textContent()).toContain('ok');
      await call.locator('summary').click();
      const exchanges = await call.locator('pre.request').allTextContents();
      expect(exchanges.join('\n')).toContain('/mod/lti/token.php');
      expect(exchanges.join('\n')).toContain('authorization: ***');
      expect(exchanges.join('\n')).toContain('client_assertion=***');
      await shoot(page.locator('#services'), 'lti-grade');
      await page.click('#list-members');
      await expect.poll(() => page.locator('.service-call[data-action="nrps.members"]').count()).toBe(1);
      await page.goto(sandbox.lti.gradebookUrl);
      expect(await page.locator('#gradebook').textContent()).toContain('90');
      await shoot(page, 'lti-gradebook');
    });

    it('deep linking: pick items on the tool, the platform shows what came back', async () => {
      await page.goto(sandbox.lti.pagesUrl);
      const form = page.locator('.launch-form').first();
      await form.locator('select[name=userId]').selectOption('4');
      await form.locator('select[name=messageType]').selectOption('LtiDeepLinkingRequest');
      await Promise.all([page.waitForURL(`${tool.url}/deeplink`), form.locator('button').click()]);
      await expect.poll(() => page.locator('#verdict h2').textContent()).toBe('Valid LtiDeepLinkingRequest');
      await page.check('fieldset[data-type=html] input[type=checkbox]');
      await page.fill('input[name="ltiResourceLink.title"]', 'Chapter 3 quiz');
      await shoot(page.locator('#deep-linking'), 'lti-deep-linking');
      await Promise.all([page.waitForURL(/contentitem_return\.php/), page.click('#send-items')]);
      await expect
        .poll(() => page.locator('#deep-linking-response h2').textContent())
        .toBe('2 content item(s) received');
      expect(await page.locator('#content-items').textContent()).toContain('Chapter 3 quiz');
    });

    it('a refused launch names the failed check and the Moodle setting to fix', async () => {
      const clientId = tool.home.registrations[0]?.registration.clientId;
      const start = await fetch(sandbox.lti.launchUrl, {
        method: 'POST',
        body: JSON.stringify({ clientId, faults: { deploymentId: '42' } }),
      });
      const initiation = (await start.json()) as { url: string; params: Record<string, string> };
      // The browser posts the platform's login initiation, as the platform's launch page would.
      await page.goto(`${tool.url}/`);
      await Promise.all([
        page.waitForURL(`${tool.url}/launch`),
        // A string, so that the test's own types need no DOM library.
        page.evaluate(`(() => {
        const { url, params } = ${JSON.stringify(initiation)};
        const form = document.createElement('form');
        form.method = 'post';
        form.action = url;
        for (const [name, value] of Object.entries(params)) {
          const input = document.createElement('input');
          input.type = 'hidden';
          input.name = name;
          input.value = value;
          form.append(input);
        }
        document.body.append(form);
        form.submit();
      })()`),
      ]);
      await expect.poll(() => page.locator('#verdict h2').textContent()).toBe('Launch refused');
      expect(await page.locator('#diagnosis').textContent()).toContain('Deployment ID');
      const failed = page.locator('#checks-table tr', { hasText: 'deployment_id is registered' });
      expect(await failed.textContent()).toContain('fail');
      await shoot(page, 'lti-refused');
    });
  },
);
