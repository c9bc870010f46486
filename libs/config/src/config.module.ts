import { Global, Module, type DynamicModule } from '@nestjs/common';
import { type EngineConfig } from './config';

/** Injection token for the EngineConfig read once at boot. */
export const ENGINE_CONFIG = Symbol('ENGINE_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: EngineConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: ENGINE_CONFIG, useValue: config }], exports: [ENGINE_CONFIG] };
  }
}
