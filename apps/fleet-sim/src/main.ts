import { runApp } from '@surprisal/platform';
import { FleetSimModule } from './fleet-sim.module';

void runApp('fleet-sim', () => [FleetSimModule]);
