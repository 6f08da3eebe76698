/**
 * What a running command works with: its streams, the resolved configuration, and output for people (stderr) and
 * for programs (stdout, `--json`). Loaded only when a command runs, never for `--help`.
 */
import { type ProfileSettings, type ResolvedConfig, resolveConfig } from '../core/config.js';
import { colorWanted, createStyle, formatBytes, formatHuman, type Style } from '../core/format.js';
import type { ProgressEvent, ProgressListener } from '../core/progress.js';
import { maskSecrets } from '../core/redact.js';
import type { CliIO } from './io.js';

/** The global flags a context is made from. */
export interface GlobalFlags {
  json: boolean;
  profile?: string | undefined;
  timeoutMs?: number | undefined;
  noColor: boolean;
}

/** What a command gets to work with. */
export class CliContext {
  readonly io: CliIO;
  readonly json: boolean;
  readonly style: Style;
  readonly #noColor: boolean;
  #errStyle: Style | undefined;
  readonly profileName: string | undefined;
  readonly timeoutMs: number | undefined;
  #config: ResolvedConfig | undefined;
  #progressDrawn = false;

  constructor(io: CliIO, globals: GlobalFlags) {
    this.io = io;
    this.json = globals.json;
    this.profileName = globals.profile;
    this.timeoutMs = globals.timeoutMs;
    this.#noColor = globals.noColor;
    this.style = createStyle(!globals.noColor && colorWanted(io.stdout, io.env));
  }

  /** Styling of stderr, decided when first used (looking at stderr makes the stream). */
  get errStyle(): Style {
    this.#errStyle ??= createStyle(!this.#noColor && colorWanted(this.io.stderr, this.io.env));
    return this.#errStyle;
  }

  get env(): NodeJS.ProcessEnv {
    return this.io.env;
  }

  /** Settings resolved as flags > environment > profile > defaults. */
  config(flags: ProfileSettings = {}): ResolvedConfig {
    if (!this.#config || Object.keys(flags).length > 0) {
      const resolved = resolveConfig({
        flags: { ...flags, ...(this.timeoutMs !== undefined ? { timeoutMs: this.timeoutMs } : {}) },
        profile: this.profileName,
        env: this.io.env,
      });
      for (const warning of resolved.warnings) this.warn(warning);
      if (Object.keys(flags).length > 0) return resolved;
      this.#config = resolved;
    }
    return this.#config;
  }

  /** Prints a result: JSON on stdout with `--json`, else `human(value)` or a default rendering. */
  print(value: unknown, human?: (value: unknown, style: Style) => string): void {
    this.#clearProgress();
    if (this.json) {
      this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
      return;
    }
    const text = human ? human(value, this.style) : formatHuman(value, { color: this.style.enabled });
    if (text !== '') this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** A status line for people, on stderr (never on stdout, which belongs to results). */
  info(text: string): void {
    this.#clearProgress();
    this.io.stderr.write(`${maskSecrets(text)}\n`);
  }

  /** A warning on stderr. */
  warn(text: string): void {
    this.#clearProgress();
    this.io.stderr.write(`${this.errStyle.yellow('warning:')} ${maskSecrets(text)}\n`);
  }

  /** A progress listener that draws a bar on stderr when stderr is a TTY, and does nothing otherwise. */
  progress(): ProgressListener {
    if (!this.io.stderr.isTTY) return () => undefined;
    let last = 0;
    return (event: ProgressEvent) => {
      const now = Date.now();
      if (now - last < 100 && event.total !== event.done) return;
      last = now;
      const width = Math.max(10, Math.min(40, (this.io.stderr.columns ?? 80) - 50));
      const amount = (n: number) => (event.unit === 'bytes' ? formatBytes(n) : String(n));
      let line: string;
      if (event.total) {
        const ratio = Math.min(1, event.done / event.total);
        const filled = Math.round(ratio * width);
        line = `${event.phase} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(ratio * 100)}% ${amount(event.done)}/${amount(event.total)}`;
      } else {
        line = `${event.phase} ${amount(event.done)}`;
      }
      this.io.stderr.write(`\r\u001b[2K${line}`);
      this.#progressDrawn = true;
    };
  }

  #clearProgress(): void {
    if (this.#progressDrawn) {
      this.io.stderr.write('\r\u001b[2K');
      this.#progressDrawn = false;
    }
  }
}
