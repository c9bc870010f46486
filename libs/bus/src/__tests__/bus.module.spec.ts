import { Test } from '@nestjs/testing';
import { ConfigModule, loadConfig } from '@surprisal/config';
import { describe, expect, it, vi } from 'vitest';
import { BUS, type Bus } from '../bus';
import { BusModule } from '../bus.module';
import { MemoryBus } from '../memory-bus';

describe('BusModule', () => {
  it('provides the configured bus and closes it on application shutdown', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(loadConfig({})), BusModule] }).compile();
    const bus = moduleRef.get<Bus>(BUS);
    expect(bus).toBeInstanceOf(MemoryBus);
    const close = vi.spyOn(bus, 'close');
    await moduleRef.close();
    expect(close).toHaveBeenCalledOnce();
  });
});
