/**
 * How a failed run is reported: a coded error with its hint on stderr (or as JSON on stdout with `--json`), the
 * usage line after a usage error, and the exit code. Errors the operating system raises about the person's own
 * input (a missing file, a port in use) are reported as such, never as a bug in mts.
 */
import { MtsError } from '../core/errors.js';
import { colorWanted, createStyle } from '../core/format.js';
import { maskSecrets } from '../core/redact.js';
import { fromSystemError } from '../core/system-errors.js';
import { type CliIO, UsageError } from './framework.js';

/** Where the failure happened, for the usage line and the hint. */
export interface FailureContext {
  json: boolean;
  noColor: boolean;
  /** `moodle call`, when the command was known. */
  commandPath?: string | undefined;
  /** Its usage line. */
  usage?: string | undefined;
}

/** Writes the error and returns the exit code: 2 for a usage error, 1 otherwise. */
export function reportError(error: unknown, io: CliIO, where: FailureContext): number {
  const usage = error instanceof UsageError;
  const known = error instanceof MtsError ? error : fromSystemError(error);
  const payload: Record<string, unknown> = known
    ? known.toJSON()
    : {
        code: 'internal',
        message: error instanceof Error ? error.message : String(error),
        hint: 'This is a bug in mts; please report it with the command you ran (MTS_DEBUG=1 adds the stack).',
      };
  if (usage && payload.hint === undefined)
    payload.hint = `Run \`mts ${where.commandPath ? `${where.commandPath} ` : ''}--help\`.`;
  const errorcode = (error as { errorcode?: unknown } | undefined)?.errorcode;
  if (errorcode !== undefined) payload.errorcode = errorcode;
  if (where.json) {
    io.stdout.write(`${maskSecrets(JSON.stringify({ error: payload }, null, 2))}\n`);
    return usage ? 2 : 1;
  }
  const style = createStyle(!where.noColor && colorWanted(io.stderr, io.env));
  const lines = [`${style.red('error:')} ${String(payload.message)}`];
  lines.push(
    `  code: ${String(payload.code)}${errorcode !== undefined ? ` (Moodle errorcode: ${String(errorcode)})` : ''}`,
  );
  if (payload.hint) lines.push(`  hint: ${String(payload.hint)}`);
  if (!known && error instanceof Error && error.stack && io.env.MTS_DEBUG) lines.push(error.stack);
  if (usage && where.usage) lines.push(style.dim(where.usage));
  io.stderr.write(`${maskSecrets(lines.join('\n'))}\n`);
  return usage ? 2 : 1;
}
