/** The checks of `mts doctor`, loaded only when it runs. */

import { moodleClientFromSettings } from '../../connect/moodle.js';
import { missingSettings, TOTARA_KEYS } from '../../connect/settings.js';
import { totaraClientFromSettings } from '../../connect/totara.js';
import { PROFILE_KEYS, type ProfileSettings } from '../../core/config.js';
import { MtsError } from '../../core/errors.js';
import type { Style } from '../../core/format.js';
import { maskSecrets } from '../../core/redact.js';
import { readText, Transport } from '../../core/transport.js';
import { MOODLE_PLATFORM_PATHS, moodlePlatformEndpoints } from '../../lti/moodle-endpoints.js';
import type { CliContext } from '../context.js';

/** The outcome of one check. */
interface CheckResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  detail?: string | undefined;
  hint?: string | undefined;
  code?: string | undefined;
  ms: number;
}

/** Functions every integration needs; `--function` adds more. */
const DEFAULT_FUNCTIONS = ['core_webservice_get_site_info', 'core_course_get_courses_by_field'];
/** Larger clock offsets make LTI id_tokens (valid 60 s, 10 s tolerance by default) fail at random. */
const MAX_CLOCK_OFFSET_MS = 10_000;

class Skip extends Error {}

function failure(error: unknown): Pick<CheckResult, 'detail' | 'hint' | 'code'> {
  if (error instanceof MtsError)
    return { detail: maskSecrets(error.message), hint: error.hint, code: error.code };
  return { detail: maskSecrets(String((error as Error)?.message ?? error)) };
}

class Checks {
  readonly results: CheckResult[] = [];
  readonly dates: Array<{ date: string; sentAt: number; receivedAt: number }> = [];

  async run(name: string, check: () => Promise<string | undefined>): Promise<boolean> {
    const start = performance.now();
    try {
      const detail = await check();
      this.results.push({ name, status: 'passed', detail, ms: Math.round(performance.now() - start) });
      return true;
    } catch (error) {
      const ms = Math.round(performance.now() - start);
      if (error instanceof Skip) this.results.push({ name, status: 'skipped', detail: error.message, ms });
      else this.results.push({ name, status: 'failed', ...failure(error), ms });
      return false;
    }
  }

  skip(name: string, why: string): void {
    this.results.push({ name, status: 'skipped', detail: why, ms: 0 });
  }
}

async function moodleChecks(checks: Checks, settings: ProfileSettings, wanted: string[]): Promise<void> {
  if (!settings.moodleUrl) {
    for (const name of ['moodle.site_info', 'moodle.functions', 'moodle.courses', 'moodle.download'])
      checks.skip(name, 'no moodleUrl in this profile');
    return;
  }
  const client = settings.moodleToken ? moodleClientFromSettings(settings) : undefined;
  let info: Record<string, unknown> = {};
  const siteOk = await checks.run('moodle.site_info', async () => {
    if (!client) throw new Skip('no moodleToken in this profile');
    info = (await client.call('core_webservice_get_site_info')) as Record<string, unknown>;
    return `Moodle ${String(info.release ?? '?')} · ${String(info.sitename ?? '')} · as ${String(info.username ?? '?')}`;
  });
  if (!siteOk || !client) {
    for (const name of ['moodle.functions', 'moodle.courses', 'moodle.download'])
      checks.skip(name, 'needs a working site_info check');
    return;
  }
  const functions = new Set(
    (Array.isArray(info.functions) ? info.functions : []).map((f) =>
      String((f as { name?: unknown }).name ?? f),
    ),
  );
  await checks.run('moodle.functions', async () => {
    const missing = wanted.filter((name) => !functions.has(name));
    if (missing.length)
      throw new MtsError('doctor.functions_missing', `The token's service lacks ${missing.join(', ')}.`, {
        hint: 'Add them to the service (Site administration > Server > Web services > External services > Functions).',
      });
    return `${functions.size} functions, all ${wanted.length} needed present`;
  });
  // a default avatar is a theme image, not a stored file: only pluginfile URLs exercise the file store
  const isStoredFile = (url: unknown): url is string =>
    typeof url === 'string' && url.includes('pluginfile.php');
  let fileUrl: string | undefined = isStoredFile(info.userpictureurl) ? info.userpictureurl : undefined;
  await checks.run('moodle.courses', async () => {
    const result = (await client.call('core_course_get_courses_by_field', {})) as { courses?: unknown[] };
    const courses = Array.isArray(result.courses) ? result.courses : [];
    for (const course of courses) {
      const { overviewfiles = [], summaryfiles = [] } = course as Record<string, Array<{ fileurl?: string }>>;
      const image = (course as { courseimage?: unknown }).courseimage;
      const found = [...overviewfiles, ...summaryfiles, { fileurl: image as string }].find((file) =>
        isStoredFile(file.fileurl),
      );
      if (found) {
        fileUrl = found.fileurl;
        break;
      }
    }
    return `${courses.length} courses listed`;
  });
  await checks.run('moodle.download', async () => {
    if (!fileUrl) throw new Skip('no file URL in the site info or the course list');
    const download = await client.download(fileUrl);
    let bytes = 0;
    for await (const chunk of download.stream) bytes += (chunk as Buffer).length;
    return `${download.filename ?? 'file'}: ${bytes} bytes`;
  });
}

async function totaraChecks(checks: Checks, settings: ProfileSettings): Promise<void> {
  const missing = missingSettings(settings, TOTARA_KEYS);
  if (missing.length) {
    checks.skip(
      'totara.token',
      missing.length === TOTARA_KEYS.length
        ? `no Totara site configured (${TOTARA_KEYS.join(', ')})`
        : `${missing.map((key) => `${key} (${PROFILE_KEYS[key].env})`).join(' and ')} not configured`,
    );
    checks.skip('totara.status', 'no Totara API client configured');
    return;
  }
  const client = totaraClientFromSettings(settings);
  const tokenOk = await checks.run('totara.token', async () => {
    const token = await client.token();
    return `token valid until ${new Date(token.expiresAt).toISOString()}`;
  });
  if (!tokenOk) {
    checks.skip('totara.status', 'needs a token');
    return;
  }
  await checks.run('totara.status', async () => {
    const data = await client.request<{ totara_webapi_status: { status: string } }>(
      'query mts_doctor_status { totara_webapi_status { status timestamp } }',
    );
    const status = data.totara_webapi_status?.status;
    if (status !== 'ok')
      throw new MtsError('doctor.totara_status', `totara_webapi_status answered "${String(status)}".`, {
        hint: 'The API answered but is not healthy: check the site logs.',
      });
    return 'totara_webapi_status ok';
  });
}

async function ltiChecks(checks: Checks, settings: ProfileSettings): Promise<void> {
  if (!settings.moodleUrl) {
    checks.skip('lti.jwks', 'no moodleUrl in this profile');
    checks.skip('lti.endpoints', 'no moodleUrl in this profile');
    return;
  }
  const moodle = moodlePlatformEndpoints(settings.moodleUrl);
  const transport = new Transport({ timeoutMs: settings.timeoutMs, retry: false });
  const get = async (url: string) => {
    const sentAt = Date.now();
    const response = await transport.request({ url, idempotent: true });
    const text = await readText(response, 1024 * 1024);
    const date = response.headers.date;
    if (typeof date === 'string') checks.dates.push({ date, sentAt, receivedAt: Date.now() });
    return { status: response.status, text };
  };
  await checks.run('lti.jwks', async () => {
    const { status, text } = await get(moodle.jwksUrl);
    let keys: unknown;
    try {
      keys = (JSON.parse(text) as { keys?: unknown }).keys;
    } catch {
      keys = undefined;
    }
    if (status !== 200 || !Array.isArray(keys) || keys.length === 0)
      throw new MtsError(
        'doctor.jwks_invalid',
        `${moodle.jwksUrl} did not answer a key set (HTTP ${status}).`,
        {
          hint: 'LTI 1.3 tools fetch the platform keys there: check that the LTI plugin is enabled and the URL is public.',
        },
      );
    return `${keys.length} key(s)`;
  });
  await checks.run('lti.endpoints', async () => {
    const broken: string[] = [];
    for (const path of [MOODLE_PLATFORM_PATHS.auth, MOODLE_PLATFORM_PATHS.token]) {
      const { status } = await get(`${moodle.issuer}${path}`);
      if (status >= 500 || status === 404) broken.push(`${path} (HTTP ${status})`);
    }
    if (broken.length)
      throw new MtsError('doctor.lti_endpoints', `LTI endpoints failing: ${broken.join(', ')}.`, {
        hint: 'Tools send logins to auth.php and token requests to token.php; check the web server and the LTI plugin.',
      });
    return 'auth.php and token.php answer';
  });
}

function clockCheck(checks: Checks): void {
  const sample = checks.dates.at(-1);
  if (!sample) {
    checks.skip('clock', 'no response carried a Date header');
    return;
  }
  const serverMs = Date.parse(sample.date);
  // Date has a one-second resolution: compare with the middle of the exchange and allow for it
  const offset = serverMs - (sample.sentAt + sample.receivedAt) / 2;
  const result: CheckResult = {
    name: 'clock',
    status: Math.abs(offset) - 1000 > MAX_CLOCK_OFFSET_MS ? 'failed' : 'passed',
    detail: `offset ${(offset / 1000).toFixed(1)} s (server minus this machine)`,
    ms: 0,
  };
  if (result.status === 'failed') {
    result.code = 'doctor.clock_offset';
    result.hint = 'Synchronise the clocks (NTP) of the site and of the tools: LTI id_tokens live 60 s.';
  }
  checks.results.push(result);
}

function human(results: CheckResult[], style: Style): string {
  const mark = { passed: style.green('✓'), failed: style.red('✗'), skipped: style.dim('-') };
  const width = Math.max(...results.map((r) => r.name.length));
  const lines = results.map((r) => {
    let line = `${mark[r.status]} ${r.name.padEnd(width)}  ${r.status === 'skipped' ? style.dim(`skipped: ${r.detail ?? ''}`) : (r.detail ?? '')}`;
    if (r.status === 'failed' && r.code) line += style.dim(` [${r.code}]`);
    if (r.status === 'failed' && r.hint) line += `\n  ${' '.repeat(width)}  hint: ${r.hint}`;
    return line;
  });
  const failed = results.filter((r) => r.status === 'failed').length;
  lines.push('', failed ? style.red(`${failed} check(s) failed`) : style.green('all checks passed'));
  return lines.join('\n');
}

/** Runs every check against the configured site, prints them, and returns the exit code (1 when one failed). */
export async function runDoctor(ctx: CliContext, functions: string[]): Promise<number> {
  const config = ctx.config();
  const settings = { ...config.settings, timeoutMs: config.settings.timeoutMs ?? 15_000 };
  const wanted = [...DEFAULT_FUNCTIONS, ...functions];
  const checks = new Checks();
  if (!settings.moodleUrl && !settings.totaraUrl) {
    checks.results.push({
      name: 'config',
      status: 'failed',
      detail: `profile ${config.profile} configures no site`,
      hint: `Run \`mts config set --profile ${config.profile} moodleUrl=... moodleToken=-\`.`,
      code: 'doctor.no_site',
      ms: 0,
    });
  } else {
    await moodleChecks(checks, settings, wanted);
    await totaraChecks(checks, settings);
    await ltiChecks(checks, settings);
    clockCheck(checks);
  }
  const ok = checks.results.every((r) => r.status !== 'failed');
  ctx.print(
    {
      profile: config.profile,
      moodleUrl: settings.moodleUrl,
      totaraUrl: settings.totaraUrl,
      ok,
      checks: checks.results,
    },
    (_value, style) => human(checks.results, style),
  );
  return ok ? 0 : 1;
}
