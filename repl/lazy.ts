/**
 * Preloaded names that load in the background: until the module (or the sandbox behind a client) is ready, a
 * stand-in answers method calls with a promise that waits for it, so `await moodle.call(...)` typed at once works.
 */
import { inspect } from 'node:util';

type AnyFunction = (...args: unknown[]) => unknown;

/** A value that loads once, on first use (or when {@link Lazy.start} is called), and can be used before it is ready. */
export class Lazy<T extends object> {
  readonly name: string;
  readonly #load: () => Promise<T>;
  #promise: Promise<T> | undefined;
  #value: T | undefined;
  #error: unknown;
  #standIn: T | undefined;

  constructor(name: string, load: () => Promise<T>) {
    this.name = name;
    this.#load = load;
  }

  /** Starts loading (once) and resolves with the value. */
  get promise(): Promise<T> {
    if (!this.#promise) {
      this.#promise = Promise.resolve()
        .then(this.#load)
        .then(
          (value) => {
            this.#value = value;
            return value;
          },
          (error: unknown) => {
            this.#error = error;
            throw error;
          },
        );
      this.#promise.catch(() => undefined);
    }
    return this.#promise;
  }

  /** Starts loading in the background. */
  start(): void {
    void this.promise;
  }

  /** The value when loaded, else a stand-in whose methods wait for it (and whose other members are undefined). */
  handle(): T {
    if (this.#value !== undefined) return this.#value;
    this.start();
    this.#standIn ??= new Proxy({} as T, {
      get: (_target, prop) => {
        if (this.#value !== undefined) {
          const member = Reflect.get(this.#value, prop) as unknown;
          return typeof member === 'function' ? (member as AnyFunction).bind(this.#value) : member;
        }
        if (prop === inspect.custom)
          return () => (this.#error ? `[${this.name}: failed to load]` : `[${this.name}: loading…]`);
        if (prop === 'then' || typeof prop === 'symbol') return undefined;
        return (...args: unknown[]) =>
          this.promise.then((value) => {
            const member = Reflect.get(value, prop) as unknown;
            if (typeof member !== 'function') return member;
            return (member as AnyFunction).apply(value, args);
          });
      },
    });
    return this.#standIn;
  }
}
