import { type Type } from '@nestjs/common';
import { type EngineConfig, type Role } from '@surprisal/config';
import { ApiModule } from '../../api/src/api.module';
import { FleetSimModule } from '../../fleet-sim/src/fleet-sim.module';
import { IngestModule } from '../../ingest/src/ingest.module';
import { MinerModule } from '../../miner/src/miner.module';
import { ScorerModule } from '../../scorer/src/scorer.module';

const ROLE_MODULES: Record<Role, Type> = {
  api: ApiModule,
  ingest: IngestModule,
  scorer: ScorerModule,
  miner: MinerModule,
  sim: FleetSimModule,
};

/** The modules of the roles this process hosts (SURPRISAL_ROLES; all of them by default). */
export function engineModules(config: EngineConfig): Type[] {
  return [...config.roles].map((role) => ROLE_MODULES[role]);
}
