import { execFileSync, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../helpers/fixtures.js';
import { startTestServer } from '../helpers/http.js';
import { tempConfigDir } from './helpers.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/** A REPL in a real pseudo-terminal: tmux with its own socket, killed afterwards. */
async function inTmux(
  env: Record<string, string>,
  drive: (
    keys: (...k: string[]) => void,
    screen: () => string,
    until: (t: string) => Promise<string>,
  ) => Promise<void>,
) {
  const socket = `mts-repl-test-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const exports = Object.entries({ NO_COLOR: '1', ...env })
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  tmux(
    'new-session',
    '-d',
    '-x',
    '150',
    '-y',
    '50',
    `cd ${projectRoot} && env ${exports} node --import tsx test/repl/tty-entry.ts repl; sleep 30`,
  );
  const screen = () => tmux('capture-pane', '-p', '-S', '-200');
  const until = async (text: string) => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const now = screen();
      if (now.includes(text)) return now;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${text}:\n${now}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  try {
    await drive((...keys) => tmux('send-keys', ...keys), screen, until);
  } finally {
    tmux('kill-server');
  }
}

describe.skipIf(!hasTmux)('the REPL in a real terminal (tmux)', () => {
  it('completes function names and parameters from the site, GraphQL fields in .gql, and keeps a redacted history', async () => {
    const config = await tempConfigDir();
    let history = '';
    try {
      await inTmux({ MTS_CONFIG_DIR: config.dir }, async (keys, screen, until) => {
        await until('sandbox>'); // capture-pane drops trailing spaces
        await until('functions'); // the site's function list has arrived
        await until('Totara 17.3 schema'); // and the schema (the sandbox refuses introspection)
        keys("moodle.call('core_webservice_get_si", 'Tab');
        await until("moodle.call('core_webservice_get_site_info");
        keys('C-u', "moodle.call('core_course_get_courses_by_field', { fi", 'Tab');
        await until("core_course_get_courses_by_field', { field");
        await new Promise((resolve) => setTimeout(resolve, 300));
        // the completion preview never repeats what Tab inserted ("fieldeld", or "// eld" without colours)
        expect(screen()).not.toMatch(/fieldeld|field \/\/ eld/);
        keys('C-u', '.describe core_webservice_get_si', 'Tab');
        await until('.describe core_webservice_get_site_info');
        await new Promise((resolve) => setTimeout(resolve, 300));
        keys('Enter');
        await until('core_webservice_get_site_info (read)');
        keys('C-u', '.gql', 'Enter');
        await until('GraphQL mode');
        keys('query status_now {', 'Enter', 'totara_webapi_st', 'Tab');
        await until('totara_webapi_status');
        keys(' { sta', 'Tab');
        await until('totara_webapi_status { status');
        keys(' } }', 'Enter');
        await until("status: 'ok'");
        keys('.js', 'Enter', "const c = { clientSecret: 'typed-secret-value-42' }; 'typed'", 'Enter');
        await until("'typed'");
        keys('.exit', 'Enter');
        // Wait for the history to reach the file before the terminal is torn down (killing tmux kills the REPL).
        for (let i = 0; i < 200 && !history.includes('clientSecret'); i++) {
          history = await readFile(join(config.dir, 'repl-history', 'sandbox.txt'), 'utf8').catch(() => '');
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      });
      expect(history, history).toContain("clientSecret: '***'");
      // what Tab completed is what ran and what the history keeps
      expect(history).toContain('.describe core_webservice_get_site_info\n');
      expect(history).not.toContain('infote_info');
      expect(history).not.toContain('typed-secret-value-42');
    } finally {
      await config.cleanup();
    }
  });

  it('Ctrl+C during an awaited call gives the prompt back and aborts the request itself', async () => {
    const config = await tempConfigDir();
    let aborted = false;
    const site = await startTestServer(
      (_req, res) =>
        new Promise<void>((resolve) => {
          res.on('close', () => {
            aborted = true;
            resolve();
          });
        }),
    );
    try {
      await inTmux(
        { MTS_CONFIG_DIR: config.dir, MTS_MOODLE_URL: site.url, MTS_MOODLE_TOKEN: 'tty-token-1234567' },
        async (keys, _screen, until) => {
          await until('default>');
          keys('await moodle.call("core_course_get_courses_by_field")', 'Enter');
          for (let i = 0; i < 100 && site.requests.length === 0; i++)
            await new Promise((r) => setTimeout(r, 50));
          keys('C-c');
          for (let i = 0; i < 100 && !aborted; i++) await new Promise((r) => setTimeout(r, 50));
          keys('"back " + 40 + 2', 'Enter');
          await until("'back 402'");
        },
      );
      expect(aborted).toBe(true);
    } finally {
      await site.close();
      await config.cleanup();
    }
  });
  it('a dot-command result becomes `_` and `_` keeps following later results (no "assignment to _" switch)', async () => {
    const config = await tempConfigDir();
    try {
      await inTmux({ MTS_CONFIG_DIR: config.dir }, async (keys, screen, until) => {
        await until('sandbox>');
        keys('.gql query status_now { totara_webapi_status { status } }', 'Enter');
        await until("status: 'ok'");
        keys('_.totara_webapi_status.status + "!"', 'Enter');
        await until("'ok!'");
        keys('20 + 22', 'Enter');
        await until('42');
        keys('_ * 2', 'Enter');
        await until('84');
        expect(screen()).not.toContain('Expression assignment to _');
      });
    } finally {
      await config.cleanup();
    }
  });
});
