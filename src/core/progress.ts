/**
 * Progress is reported by the SDK and drawn by the CLI: long operations accept an `onProgress` callback and
 * call it with these events; they never write to a terminal themselves.
 */
export interface ProgressEvent {
  /** What is happening, in a few words ("reading archive", "writing user.csv"). */
  phase: string;
  /** Units done so far (bytes, rows, entries). */
  done: number;
  /** Units in all, when known. */
  total?: number | undefined;
  /** The unit of `done`/`total`. */
  unit?: 'bytes' | 'rows' | 'entries' | 'items' | 'requests' | undefined;
}

/** A progress callback. */
export type ProgressListener = (event: ProgressEvent) => void;
