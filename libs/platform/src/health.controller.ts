import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '@surprisal/auth';
import { ENGINE_CONFIG, type EngineConfig } from '@surprisal/config';
import { Database } from '@surprisal/db';

export interface HealthReport {
  status: 'ok' | 'degraded';
  roles: string[];
  checks: Record<string, { status: 'up' | 'down'; backend: string; error?: string }>;
}

/** Liveness and readiness for load balancers and Kubernetes probes. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    @Inject(Database) private readonly db: Database,
  ) {}

  @Public()
  @Get()
  @ApiOkResponse({ description: 'Every dependency answers.' })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down; the body says which.' })
  async check(): Promise<HealthReport> {
    const db = await this.db.ping().then(
      () => ({ status: 'up' as const, backend: this.config.db.kind }),
      (err: unknown) => ({ status: 'down' as const, backend: this.config.db.kind, error: (err as Error).message }),
    );
    const report: HealthReport = {
      status: db.status === 'up' ? 'ok' : 'degraded',
      roles: [...this.config.roles],
      checks: {
        database: db,
        bus: { status: 'up', backend: this.config.bus.kind },
        storage: { status: 'up', backend: this.config.storage.kind },
      },
    };
    if (report.status !== 'ok') throw new ServiceUnavailableException(report);
    return report;
  }
}
