import { runApp } from '@surprisal/platform';
import { MinerModule } from './miner.module';

void runApp('miner', () => [MinerModule]);
