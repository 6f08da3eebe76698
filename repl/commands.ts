/** The REPL's dot-commands, usable from the prompt, from `-e` and from piped input alike. */
import { writeFileAtomic } from '../src/core/atomic.js';
import { InputError } from '../src/core/errors.js';
import { describableNames } from './complete.js';
import { describeName } from './describe.js';
import { runGraphql } from './gql.js';
import { toJsonText } from './render.js';
import type { ReplSession } from './session.js';

/** One dot-command. `run` writes its own output and may set the session's last result. */
export interface DotCommand {
  help: string;
  run(session: ReplSession, arg: string): Promise<void> | void;
}

function toggle(arg: string, current: boolean): boolean {
  const word = arg.trim().toLowerCase();
  if (word === '') return !current;
  if (word === 'on') return true;
  if (word === 'off') return false;
  throw new InputError('repl.bad_argument', `Expected on or off, got "${arg}".`, { details: { value: arg } });
}

function say(session: ReplSession, text: string): void {
  session.options.out.write(text.endsWith('\n') ? text : `${text}\n`);
}

function show(session: ReplSession, value: unknown): void {
  session.remember(value);
  say(session, session.render(value));
}

/** Every dot-command, by name. */
export const COMMANDS: Record<string, DotCommand> = {
  help: {
    help: 'Show this list',
    run(session) {
      const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length)) + 2;
      const lines = Object.entries(COMMANDS).map(
        ([name, command]) => `  .${name.padEnd(width)}${command.help}`,
      );
      lines.push(
        `  ${'.editor'.padEnd(width + 1)}Multi-line editor mode (node)`,
        `  ${'.break'.padEnd(width + 1)}Abandon a multi-line input (node)`,
        `  ${'.exit'.padEnd(width + 1)}Leave (or Ctrl+D)`,
      );
      lines.push(
        '',
        'Preloaded: moodle, totara, lti, hrimport, mbz (and sandbox on the sandbox). Tab completes function names,',
        'parameters and GraphQL fields. Results: tables for record lists; `_` is the last one.',
      );
      say(session, lines.join('\n'));
    },
  },
  profile: {
    help: 'Switch site: .profile NAME (sandbox for the local one); alone, show the current one',
    async run(session, arg) {
      const name = arg.trim();
      if (name) {
        session.bind(name);
        session.refreshPrompt();
        say(session, session.banner());
      }
      say(session, `${session.target.profile}: ${await session.endpointsLine()}`);
    },
  },
  sandbox: {
    help: 'Switch to the local sandbox, or show its URLs and credentials when on it',
    async run(session) {
      if (session.target.kind !== 'sandbox') {
        session.bind('sandbox');
        session.refreshPrompt();
      }
      const box = await session.bindings.sandbox?.promise;
      if (!box) return;
      say(
        session,
        [
          `sandbox ${box.url}`,
          `  Moodle  ${box.moodle.url}  token ${box.moodle.token}  user ${box.moodle.username} / ${box.moodle.password}`,
          `  Totara  ${box.totara.url}  client ${box.totara.clientId} / ${box.totara.clientSecret}`,
          `  LTI     issuer ${box.lti.issuer}  JWKS ${box.lti.jwksUrl}`,
        ].join('\n'),
      );
    },
  },
  describe: {
    help: "A function's parameters and result, or a Totara query, mutation or type: .describe NAME",
    async run(session, arg) {
      const name = arg.trim();
      if (!name)
        throw new InputError('repl.bad_argument', 'Usage: .describe NAME', { hint: 'Tab completes names.' });
      await session.learn();
      const text = describeName(session.knowledge, name);
      if (text === undefined) {
        const near = describableNames(session.knowledge)
          .filter((n) => n.includes(name))
          .slice(0, 8);
        throw new InputError(
          'repl.unknown_name',
          `No function, query, mutation or type named "${name}" is known here.`,
          {
            hint: near.length
              ? `Did you mean ${near.join(', ')}?`
              : 'Tab completes the names this site knows.',
            details: { value: name },
          },
        );
      }
      say(session, text);
    },
  },
  gql: {
    help: 'GraphQL mode: type a document (run when its braces close); .gql DOCUMENT runs one; .js leaves',
    async run(session, arg) {
      if (arg.trim()) {
        show(session, await runGraphql(session, arg));
        return;
      }
      session.mode = 'gql';
      session.refreshPrompt();
      say(
        session,
        session.style.dim(
          'GraphQL mode: operations run when their braces close; .vars JSON sets variables; .js leaves',
        ),
      );
    },
  },
  js: {
    help: 'Leave the GraphQL mode',
    run(session) {
      session.mode = 'js';
      session.refreshPrompt();
    },
  },
  vars: {
    help: 'Variables for the GraphQL mode: .vars {"id": 2}; alone, show them',
    run(session, arg) {
      if (arg.trim()) {
        try {
          session.gqlVariables = JSON.parse(arg) as Record<string, unknown>;
        } catch (error) {
          throw new InputError('repl.bad_json', 'The variables are not valid JSON.', {
            cause: error,
            hint: 'Example: .vars {"id": "2"}',
          });
        }
      }
      say(session, JSON.stringify(session.gqlVariables));
    },
  },
  mbz: {
    help: 'Inspect a .mbz backup: .mbz FILE',
    async run(session, arg) {
      const file = arg.trim();
      if (!file) throw new InputError('repl.bad_argument', 'Usage: .mbz FILE');
      const { inspectBackup, formatSummary } = await import('../src/mbz/index.js');
      const summary = await inspectBackup(file);
      // The same readable summary as `mts mbz inspect`; `.raw` shows the whole object, `_` and `.save` hold it.
      if (session.raw) show(session, summary);
      else {
        session.remember(summary);
        say(session, formatSummary(summary, session.style));
      }
    },
  },
  lti: {
    help: "Decode and validate an LTI 1.3 launch: .lti JWT (against the site's JWKS)",
    async run(session, arg) {
      const { ltiReport } = await import('./lti.js');
      show(session, await ltiReport(session, arg.trim()));
    },
  },
  time: {
    help: 'Time every call to the site: .time [on|off]',
    run(session, arg) {
      session.timing = toggle(arg, session.timing);
      say(session, `timing ${session.timing ? 'on' : 'off'}`);
    },
  },
  raw: {
    help: 'Show results as raw JSON: .raw [on|off]',
    run(session, arg) {
      session.raw = toggle(arg, session.raw);
      say(session, `raw output ${session.raw ? 'on' : 'off'}`);
    },
  },
  readonly: {
    help: 'Refuse write functions and mutations: .readonly [on|off]',
    run(session, arg) {
      session.guard.enabled = toggle(arg, session.guard.enabled);
      session.refreshPrompt();
      const warn =
        !session.guard.enabled && session.target.production
          ? session.style.red(' (production site: writes are real)')
          : '';
      say(session, `read-only ${session.guard.enabled ? 'on' : 'off'}${warn}`);
    },
  },
  confirm: {
    help: 'Run the call read-only mode just refused, once',
    async run(session) {
      const label = session.guard.pending();
      if (label) say(session, session.style.yellow(`running ${label}`));
      show(session, await session.guard.confirm());
    },
  },
  history: {
    help: 'The stored (redacted) history of this profile: .history [N]',
    run(session, arg) {
      const count = Number(arg.trim() || 20);
      const lines = session.history?.lines() ?? [];
      const start = Math.max(0, lines.length - (Number.isFinite(count) && count > 0 ? count : 20));
      say(
        session,
        lines
          .slice(start)
          .map((line, i) => `${String(start + i + 1).padStart(5)}  ${line}`)
          .join('\n') || '(no history)',
      );
      if (session.history) say(session, session.style.dim(session.history.path));
    },
  },
  save: {
    help: 'Save the last result as JSON: .save FILE',
    async run(session, arg) {
      const file = arg.trim();
      if (!file) throw new InputError('repl.bad_argument', 'Usage: .save FILE');
      if (session.last === undefined)
        throw new InputError('repl.nothing_to_save', 'There is no result to save yet.');
      await writeFileAtomic(file, `${toJsonText(session.last)}\n`);
      say(session, `saved to ${file}`);
    },
  },
};
