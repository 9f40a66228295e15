import type { HadirMigration } from './helpers.js';
import { foundation } from './0001-foundation.js';

/** Every migration, in order. Append; never reorder or rename a released one. */
export const MIGRATIONS: HadirMigration[] = [foundation];
