import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ENGINE_CONFIG, type BusConfig, type EngineConfig } from '@surprisal/config';
import { TOPIC_SPECS } from '@surprisal/contracts';
import { BUS, type Bus } from './bus';
import { KafkaBus } from './kafka-bus';
import { MemoryBus } from './memory-bus';

/** The Bus for `config`, connected (Kafka: fails naming the brokers when unreachable). Usable outside Nest. */
export async function createBus(config: BusConfig): Promise<Bus> {
  switch (config.kind) {
    case 'kafka':
      return KafkaBus.connect({ brokers: config.brokers, clientId: config.clientId });
    case 'memory':
      return new MemoryBus();
  }
}

/** Provides BUS from ENGINE_CONFIG.bus; on shutdown closes it (subscriptions finish and commit their batch in hand). */
@Global()
@Module({
  providers: [
    {
      provide: BUS,
      inject: [ENGINE_CONFIG],
      useFactory: async (config: EngineConfig): Promise<Bus> => {
        const bus = await createBus(config.bus);
        // Every contract topic exists with its partition count before any app produces or consumes.
        await bus.ensureTopics(TOPIC_SPECS);
        return bus;
      },
    },
  ],
  exports: [BUS],
})
export class BusModule implements OnApplicationShutdown {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}
