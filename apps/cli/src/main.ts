import { Command } from 'commander';
import { ConfigError } from '@surprisal/config';
import { importCommand } from './commands/import.command';
import { keysCommand } from './commands/keys.command';
import { simCommand } from './commands/sim.command';
import { topicsCommand } from './commands/topics.command';

/** `npx surprisal <command>`: what people need from a terminal. Each command lives in its own file. */
const program = new Command('surprisal')
  .description('Surprisal: edge cases mined from a driving model\'s surprise. Settings come from the environment (see README).')
  .showHelpAfterError()
  .addCommand(keysCommand())
  .addCommand(topicsCommand())
  .addCommand(simCommand())
  .addCommand(importCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`surprisal: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = err instanceof ConfigError ? 78 : 1;
});
