/**
 * What the launch page's buttons do, through the SDK's own clients: create a line item, post a score, read the
 * results (AGS), list the members (NRPS), and send a deep linking response. Each becomes a
 * {@link ServiceCallRecord} with the HTTP exchanges it made, secrets masked.
 */
import { type ContentItem, LtiError, type LtiLaunch, type LtiTool, type Score } from '../../../lti/index.js';
import type { RecordingTransport } from './recording.js';
import type { LaunchRecord, ServiceCallRecord } from './records.js';

/** A form's fields. */
export type Form = URLSearchParams;

const num = (form: Form, name: string, fallback: number): number => {
  const value = Number(form.get(name) ?? '');
  return Number.isFinite(value) && form.get(name) !== '' ? value : fallback;
};

async function run(
  transport: RecordingTransport,
  action: string,
  fn: () => Promise<unknown>,
): Promise<ServiceCallRecord> {
  const { result, error, exchanges } = await transport.capture(fn);
  const at = new Date().toISOString();
  if (error === undefined) return { at, action, ok: true, result, exchanges };
  const lti = error instanceof LtiError ? error : undefined;
  return {
    at,
    action,
    ok: false,
    code: lti?.code ?? 'internal',
    message: (error as Error).message,
    hint: lti?.hint,
    exchanges,
  };
}

/** The line item a form names, or the launch's own. */
function lineItemOf(form: Form, launch: LtiLaunch, record: LaunchRecord): string | undefined {
  return form.get('lineItem') || launch.ags?.lineitem || record.lineItems.at(-1);
}

/** Runs one service action of a launch page. */
export async function serviceAction(
  tool: LtiTool,
  transport: RecordingTransport,
  record: LaunchRecord,
  launch: LtiLaunch,
  kind: 'ags/line-item' | 'ags/score' | 'ags/results' | 'nrps',
  form: Form,
): Promise<ServiceCallRecord> {
  switch (kind) {
    case 'ags/line-item':
      return run(transport, 'ags.create_line_item', async () => {
        const ags = await tool.ags(launch);
        const item = await ags.createLineItem({
          label: form.get('label') || 'mts grade column',
          scoreMaximum: num(form, 'scoreMaximum', 100),
          resourceLinkId: launch.resourceLink?.id,
          tag: 'mts',
        });
        if (typeof item.id === 'string') record.lineItems.push(item.id);
        return item;
      });
    case 'ags/score':
      return run(transport, 'ags.post_score', async () => {
        const ags = await tool.ags(launch);
        const score: Score = {
          userId: form.get('userId') || launch.userId || '',
          scoreGiven: num(form, 'scoreGiven', 7),
          scoreMaximum: num(form, 'scoreMaximum', 10),
          comment: form.get('comment') || undefined,
          activityProgress: 'Completed',
          gradingProgress: 'FullyGraded',
        };
        await ags.postScore(lineItemOf(form, launch, record), score);
        return score;
      });
    case 'ags/results':
      return run(transport, 'ags.read_results', async () => {
        const ags = await tool.ags(launch);
        return ags.results(lineItemOf(form, launch, record)).toArray({ limit: 500 });
      });
    case 'nrps':
      return run(transport, 'nrps.members', async () => {
        const nrps = await tool.nrps(launch);
        return nrps.members().toArray({ limit: 1000 });
      });
  }
}

/** The content items picked on the deep linking form. */
export function pickedItems(form: Form, toolUrl: string): ContentItem[] {
  const types = form.getAll('type');
  const items: ContentItem[] = [];
  for (const type of types) {
    if (type === 'ltiResourceLink') {
      const custom: Record<string, string> = {};
      for (const pair of (form.get('ltiResourceLink.custom') ?? '').split(/[;&\n]/)) {
        const eq = pair.indexOf('=');
        if (eq > 0) custom[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
      }
      items.push({
        type,
        title: form.get('ltiResourceLink.title') || 'Quiz from the mts tool',
        url: `${toolUrl}/launch`,
        custom,
        lineItem: {
          scoreMaximum: num(form, 'ltiResourceLink.scoreMaximum', 10),
          label: form.get('ltiResourceLink.title') || 'Quiz from the mts tool',
        },
      });
    } else if (type === 'link') {
      items.push({ type, title: form.get('link.title') || 'Link', url: form.get('link.url') || '' });
    } else if (type === 'html') {
      items.push({ type, html: form.get('html.html') || '' });
    } else if (type === 'image') {
      items.push({ type, url: form.get('image.url') || '', width: 120, height: 80 });
    } else if (type === 'file') {
      items.push({ type, url: form.get('file.url') || '', mediaType: 'text/plain', title: 'Notes' });
    }
  }
  return items;
}
