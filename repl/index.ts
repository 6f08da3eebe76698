/**
 * `mts repl`: a prompt on node's own REPL with `moodle`, `totara`, `lti`, `hrimport` and `mbz` bound to a profile
 * or to the sandbox. Interactive on a terminal; with `-e CODE` or piped input it runs the code, prints results
 * and exits 1 when something failed.
 */
import { type REPLServer, Recoverable, start } from 'node:repl';
import { PassThrough, type Readable, Writable } from 'node:stream';
import { debug } from '../src/core/debug.js';
import { MtsError } from '../src/core/errors.js';
import { colorWanted, createStyle } from '../src/core/format.js';
import { maskSecrets } from '../src/core/redact.js';
import { COMMANDS } from './commands.js';
import { completeInput } from './complete.js';
import { hookEvaluator, type Outcome } from './evaluate.js';
import { interceptGraphql } from './gql.js';
import { describeError, toJsonText } from './render.js';
import { ReplSession } from './session.js';

/** The streams and environment of a REPL (the CLI passes its own; tests pass in-memory streams). */
export interface ReplIO {
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean; columns?: number };
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

/** Options of {@link runRepl}. */
export interface RunReplOptions {
  io: ReplIO;
  profile?: string | undefined;
  /** Evaluate this code (or dot-command), print the result and exit. */
  eval?: string | undefined;
  /** Results as JSON (`--json`). */
  json?: boolean | undefined;
  /** Allow writes without confirmation, even on a production profile. */
  write?: boolean | undefined;
  /** Read-only even when the profile does not ask for it. */
  readOnly?: boolean | undefined;
  /** Use the sandbox even when a profile is configured. */
  sandbox?: boolean | undefined;
  noColor?: boolean | undefined;
  /** Interactive or script; default: interactive when stdin is a terminal and no code was given. */
  mode?: 'interactive' | 'script' | undefined;
  /** Called with the REPL server once the prompt is up (tests drive it through in-memory streams). */
  onReady?: ((server: REPLServer, session: ReplSession) => void) | undefined;
}

function sink(): Writable {
  return new Writable({ write: (_chunk, _encoding, done) => done() });
}

/** Runs the REPL and resolves with the exit code. */
export async function runRepl(options: RunReplOptions): Promise<number> {
  const { io } = options;
  const mode = options.mode ?? (options.eval === undefined && io.stdin.isTTY ? 'interactive' : 'script');
  const interactive = mode === 'interactive';
  const style = createStyle(!options.noColor && colorWanted(io.stdout, io.env));
  const session = new ReplSession({
    env: io.env,
    style,
    out: io.stdout,
    interactive,
    allowWrites: options.write,
    forceReadOnly: options.readOnly,
    history: interactive,
    runs: interactive ? 'interactive' : options.eval !== undefined ? 'eval' : 'script',
  });
  session.bind(options.sandbox ? 'sandbox' : options.profile);
  session.raw = options.json === true;
  try {
    return interactive ? await interactiveLoop(session, options) : await scriptLoop(session, options);
  } finally {
    await session.close();
  }
}

function createServer(session: ReplSession, options: RunReplOptions, interactive: boolean): REPLServer {
  const { io } = options;
  const terminal = interactive && Boolean(io.stdin.isTTY && io.stdout.isTTY);
  const server = start({
    prompt: interactive ? session.prompt() : '',
    input: interactive ? io.stdin : new PassThrough(),
    output: interactive ? io.stdout : sink(),
    terminal,
    useColors: session.style.enabled,
    ignoreUndefined: true,
    // as the `node` binary does: Ctrl+C interrupts a running or awaited evaluation
    breakEvalOnSigint: true,
    writer: (value: unknown) => session.render(value),
  });
  session.attach(server);
  for (const [name, command] of Object.entries(COMMANDS)) {
    server.defineCommand(name, {
      help: command.help,
      action(arg: string) {
        const report = (error: unknown) => io.stdout.write(`${session.style.red(describeError(error))}\n`);
        // synchronous commands (.gql, .js, .readonly) take effect before node reads the next line
        let pending: Promise<void> | undefined;
        try {
          const result = command.run(session, arg);
          if (result instanceof Promise) pending = result;
        } catch (error) {
          report(error);
        }
        if (pending) pending.catch(report).finally(() => server.displayPrompt());
        else server.displayPrompt();
      },
    });
  }
  return server;
}

async function interactiveLoop(session: ReplSession, options: RunReplOptions): Promise<number> {
  const { io } = options;
  io.stdout.write(`${session.banner()}\n`);
  const server = createServer(session, options, true);
  const readline = server as unknown as { completer: Completer };
  server.prependListener('line', (line: string) => {
    session.touch();
    session.history?.add(line);
  });
  io.stdin.on('keypress', () => session.touch());
  server.on('SIGINT', () => session.interrupt());
  hookEvaluator(server, {
    intercept: (code, finish) => interceptGraphql(session, code, finish),
    settled(outcome) {
      if (outcome.kind === 'value' && outcome.value !== undefined) session.last = outcome.value;
    },
  });
  const builtin = readline.completer;
  const own = (line: string) => {
    const text = session.mode === 'gql' ? `${session.gqlBuffer}${line}` : line;
    return completeInput(
      text,
      { knowledge: session.knowledge, profiles: () => session.profiles() },
      session.mode,
    );
  };
  readline.completer = (line, callback) => {
    // Node's REPL asks for completions twice: on Tab, and for the grey preview after each key. The preview
    // inserts its suffix on Enter, so it must describe the line as it is when the answer arrives: answer at once
    // when the site is known, and drop an answer that arrives after the line changed (no "infote_info").
    if (session.learned) {
      let result: [string[], string] | undefined;
      try {
        result = own(line);
      } catch (error) {
        debug('repl completion failed', String(error));
      }
      if (result) callback(null, result);
      else builtin.call(server, line, callback);
      return;
    }
    // a Tab pressed before the site's function list or schema arrived waits a moment for them
    Promise.race([session.learn(), delay(1500)])
      .then(() => own(line))
      .catch((error: unknown) => {
        debug('repl completion failed', String(error));
        return undefined;
      })
      .then((result) => {
        const now = server as unknown as { line: string; cursor: number };
        if (now.line !== line && now.line.slice(0, now.cursor) !== line) callback(null, [[], line]);
        else if (result) callback(null, result);
        else builtin.call(server, line, callback);
      });
  };
  setImmediate(() => {
    session.prefetch();
    session.endpointsLine().then(
      (line) => session.notice(session.style.dim(line)),
      (error: unknown) => session.notice(session.style.red(describeError(error))),
    );
  });
  options.onReady?.(server, session);
  await new Promise<void>((resolve) => server.once('exit', () => resolve()));
  return 0;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

type Completer = (line: string, callback: (error: Error | null, result?: [string[], string]) => void) => void;

async function* linesOf(stream: NodeJS.ReadableStream): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of stream) {
    rest += String(chunk);
    let newline = rest.indexOf('\n');
    while (newline >= 0) {
      yield rest.slice(0, newline).replace(/\r$/, '');
      rest = rest.slice(newline + 1);
      newline = rest.indexOf('\n');
    }
  }
  if (rest !== '') yield rest;
}

async function scriptLoop(session: ReplSession, options: RunReplOptions): Promise<number> {
  const { io } = options;
  const server = createServer(session, options, false);
  const evaluate = hookEvaluator(server, { settled: () => undefined });
  const print = (value: unknown) => {
    if (value === undefined) return;
    session.remember(value);
    io.stdout.write(`${options.json ? maskSecrets(toJsonText(value)) : session.render(value)}\n`);
  };
  const oneShot = options.eval !== undefined;
  /** Writes the failure, prefixed with its line number for piped input; returns the exit code. */
  const fail = (error: unknown, line: number) => {
    io.stderr.write(`${oneShot ? '' : `line ${line}: `}${describeError(error)}\n`);
    return 1;
  };
  try {
    const source = oneShot ? [options.eval as string] : linesOf(io.stdin);
    let buffer = '';
    let lineNumber = 0;
    let startLine = 1;
    for await (const line of source) {
      lineNumber++;
      if (buffer === '' && /^\s*\.\w/.test(line)) {
        const [, name = '', arg = ''] = /^\s*\.(\w+)\s*([\s\S]*)$/.exec(line) ?? [];
        const command = COMMANDS[name];
        if (!command)
          return fail(
            new MtsError('repl.unknown_command', `Unknown command .${name}.`, {
              hint: 'Type .help for the list.',
            }),
            lineNumber,
          );
        try {
          await command.run(session, arg);
        } catch (error) {
          return fail(error, lineNumber);
        }
        continue;
      }
      if (buffer === '') startLine = lineNumber;
      buffer += `${line}\n`;
      const outcome: Outcome =
        session.mode === 'gql'
          ? await new Promise<Outcome>((resolve) => {
              interceptGraphql(session, buffer, (error, value) =>
                resolve(
                  error
                    ? error instanceof Recoverable
                      ? { kind: 'incomplete' }
                      : { kind: 'error', error }
                    : { kind: 'value', value },
                ),
              );
            })
          : await evaluate(buffer);
      if (outcome.kind === 'incomplete') continue;
      buffer = '';
      if (outcome.kind === 'error') return fail(outcome.error, startLine);
      print(outcome.value);
    }
    if (buffer.trim() !== '')
      return fail(
        new MtsError('repl.incomplete_input', 'The input ended inside an unfinished statement.', {
          hint: 'Check for an unclosed bracket, brace or string.',
        }),
        startLine,
      );
    return 0;
  } finally {
    server.close();
  }
}
