/**
 * Where the tool emulator keeps what must survive a restart: its signing key (generated on first run, PKCS#8 PEM,
 * mode 0600) and the registrations platforms granted it (JSON, mode 0600), with the port it was registered on.
 * Every write goes to a temporary name and is renamed into place.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../../core/atomic.js';
import { InputError } from '../../../core/errors.js';
import {
  defineRegistration,
  importToolKey,
  type LtiRegistration,
  MemoryRegistrationStore,
  type RegistrationStore,
  ToolKeySet,
} from '../../../lti/index.js';
import type { RegistrationGrant } from '../dynreg/client.js';

/** A registration the tool holds, with what the platform granted. */
export interface StoredRegistration {
  registeredAt: string;
  registration: LtiRegistration;
  /** Status of the platform's answer (Moodle 200, RFC 7591 201). */
  status: number;
  granted: RegistrationGrant;
  /** The platform's product and version, from its OpenID configuration. */
  platformProduct?: string | undefined;
}

interface HomeFile {
  version: 1;
  /** The port the tool last ran on: platforms registered its URLs with it. */
  port?: number | undefined;
  registrations: StoredRegistration[];
}

/** Where the key came from. */
export type KeyOrigin = 'generated' | 'stored' | 'file';

/** Options of {@link ToolHome.open}. */
export interface ToolHomeOptions {
  /** A PKCS#8 PEM or private JWK file to sign with, instead of the stored key. */
  keyFile?: string | undefined;
  /** Called with a warning for a person (a key file readable by others...). */
  onWarning?: ((text: string) => void) | undefined;
}

const KEY_FILE = 'tool-key.pem';
const STATE_FILE = 'registrations.json';

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function unreadable(path: string, detail: string, cause?: unknown): InputError {
  return new InputError('lti_tool.state_unreadable', `${path}: ${detail}.`, {
    cause,
    details: { path },
    hint: 'Fix or remove the file (the tool then starts without its registrations), or use another --data-dir.',
  });
}

/** The tool emulator's data directory. */
export class ToolHome {
  readonly dir: string;
  readonly keys: ToolKeySet;
  readonly keyOrigin: KeyOrigin;
  readonly store: MemoryRegistrationStore;
  #file: HomeFile;

  private constructor(dir: string, keys: ToolKeySet, keyOrigin: KeyOrigin, file: HomeFile) {
    this.dir = dir;
    this.keys = keys;
    this.keyOrigin = keyOrigin;
    this.#file = file;
    this.store = new MemoryRegistrationStore(file.registrations.map((r) => r.registration));
  }

  /**
   * Opens (or creates) a data directory.
   *
   * @example
   * ```ts
   * const home = await ToolHome.open(join(configDir(), 'lti-tool'));
   * ```
   */
  static async open(dir: string, options: ToolHomeOptions = {}): Promise<ToolHome> {
    const keyPath = options.keyFile ?? join(dir, KEY_FILE);
    const pem = await readOptional(keyPath).catch((error: unknown) => {
      throw unreadable(keyPath, 'cannot be read', error);
    });
    let keys: ToolKeySet;
    let origin: KeyOrigin;
    if (pem === undefined) {
      if (options.keyFile)
        throw new InputError('lti_tool.key_missing', `--key: the file "${options.keyFile}" does not exist.`, {
          details: { path: options.keyFile },
          hint: 'Give a PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----") or a private JWK file, or leave --key out to use a generated key.',
        });
      keys = await ToolKeySet.generate();
      await writeFileAtomic(keyPath, await keys.signingKey.exportPrivatePem(), { mode: 0o600 });
      origin = 'generated';
    } else {
      const text = pem.trim();
      try {
        keys = new ToolKeySet([await importToolKey(text.startsWith('{') ? JSON.parse(text) : text)]);
      } catch (error) {
        throw new InputError('lti_tool.key_invalid', `${keyPath} is not a usable private key.`, {
          cause: error,
          details: { path: keyPath },
          hint: 'Give an RSA (2048 bits or more) or EC private key as PKCS#8 PEM or as a private JWK.',
        });
      }
      origin = options.keyFile ? 'file' : 'stored';
      const mode = (await stat(keyPath)).mode & 0o077;
      if (mode !== 0) options.onWarning?.(`${keyPath} can be read by other users: chmod 600 it.`);
    }
    const statePath = join(dir, STATE_FILE);
    const text = await readOptional(statePath);
    let file: HomeFile = { version: 1, registrations: [] };
    if (text !== undefined) {
      try {
        file = JSON.parse(text) as HomeFile;
      } catch (error) {
        throw unreadable(statePath, 'is not JSON', error);
      }
      if (file.version !== 1 || !Array.isArray(file.registrations))
        throw unreadable(statePath, 'is not a registrations file of this version');
      for (const [index, stored] of file.registrations.entries()) {
        try {
          defineRegistration(stored.registration);
        } catch (error) {
          throw unreadable(
            statePath,
            `registration ${index} is invalid (${(error as Error).message})`,
            error,
          );
        }
      }
    }
    return new ToolHome(dir, keys, origin, file);
  }

  /** The registrations, oldest first. */
  get registrations(): readonly StoredRegistration[] {
    return this.#file.registrations;
  }

  /** The port the tool ran on last time, when platforms hold its URLs. */
  get lastPort(): number | undefined {
    return this.#file.registrations.length > 0 ? this.#file.port : undefined;
  }

  /** The store the launch validator reads. */
  get registrationStore(): RegistrationStore {
    return this.store;
  }

  /** Adds (or replaces, for the same issuer and client id) a registration, and saves. */
  async addRegistration(stored: StoredRegistration): Promise<void> {
    const list = this.#file.registrations.filter(
      (r) =>
        !(
          r.registration.issuer === stored.registration.issuer &&
          r.registration.clientId === stored.registration.clientId
        ),
    );
    list.push(stored);
    this.store.add(stored.registration);
    this.#file = { ...this.#file, registrations: list };
    await this.#save();
  }

  /** Remembers the port the tool runs on (saved with the registrations). */
  async rememberPort(port: number): Promise<void> {
    if (this.#file.port === port) return;
    this.#file = { ...this.#file, port };
    await this.#save();
  }

  async #save(): Promise<void> {
    await writeFileAtomic(join(this.dir, STATE_FILE), `${JSON.stringify(this.#file, null, 2)}\n`, {
      mode: 0o600,
    });
  }
}
