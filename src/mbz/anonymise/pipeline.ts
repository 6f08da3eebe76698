/** What the anonymiser hands each packing's pipeline (zip.ts, tar.ts), and what they report back. */
import type { ProgressListener } from '../../core/progress.js';
import type { MbzLimits } from '../archive/limits.js';
import type { FileDecisions } from './files.js';
import type { Plan } from './rules.js';
import type { Knowledge } from './transform.js';

/** Options of `anonymiseBackup`. */
export interface AnonymiseOptions {
  /** Keep the files users uploaded (submissions, attachments, profile pictures); by default they are left out. */
  keepFiles?: boolean | undefined;
  /**
   * Leave user data out altogether, as Moodle does for a backup made without users: no users.xml, the `users`
   * setting and those that depend on it off, posts, submissions, attempts, grades, logs and user files gone.
   */
  stripUsers?: boolean | undefined;
  /** Replace `output` if it exists (default: refuse). */
  overwrite?: boolean | undefined;
  limits?: MbzLimits | undefined;
  onProgress?: ProgressListener | undefined;
  signal?: AbortSignal | undefined;
}

/** What a packing's pipeline reports back. */
export interface Written {
  written: number;
  rewritten: number;
  dropped: number;
  people: number;
  files: FileDecisions;
}

/** What the pipelines get: how to make the plan once the knowledge is read, and the walk options. */
export interface PipelineContext {
  makePlan(knowledge: Knowledge): { plan: Plan; files: FileDecisions };
  options: AnonymiseOptions;
  /** Where the temporary files of a tar.gz pass go: beside the output. */
  output: string;
}
