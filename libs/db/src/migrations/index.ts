import { InitialSchema1764403200000 } from './1764403200000-initial-schema';

/** Every migration in order. Never edit one that has landed: add a new file and list it here. */
export const MIGRATIONS = [InitialSchema1764403200000];
