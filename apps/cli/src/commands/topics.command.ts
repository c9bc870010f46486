import { Command } from 'commander';
import { createBus } from '@surprisal/bus';
import { loadConfig } from '@surprisal/config';
import { TOPIC_SPECS } from '@surprisal/contracts';

/** `surprisal topics`: the contract topics and their partitions; `--create` makes the missing ones on KAFKA_BROKERS. */
export function topicsCommand(): Command {
  return new Command('topics')
    .description('List the Kafka topics the engine uses; with --create, create the missing ones (KAFKA_BROKERS).')
    .option('--create', 'create missing topics')
    .action(async (opts: { create?: boolean }) => {
      if (opts.create) {
        const config = loadConfig();
        if (config.bus.kind !== 'kafka') throw new Error('KAFKA_BROKERS is not set: the in-process bus has no topics to create');
        const bus = await createBus(config.bus);
        try {
          await bus.ensureTopics(TOPIC_SPECS);
        } finally {
          await bus.close();
        }
        process.stderr.write(`Topics ensured on ${config.bus.brokers.join(',')}\n`);
      }
      for (const s of TOPIC_SPECS) process.stdout.write(`${s.name}\t${s.partitions}\n`);
    });
}
