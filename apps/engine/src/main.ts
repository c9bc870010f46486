import { runApp } from '@surprisal/platform';
import { engineModules } from './engine.module';

/** Every app in one process: the embedded default of `npm start`, or any subset of roles per deployment. */
void runApp('engine', engineModules);
