import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Roles } from '@surprisal/auth';
import { Database } from '@surprisal/db';

class StatsQuery {
  @ApiPropertyOptional({ default: 30, minimum: 1, maximum: 366, description: 'How many days back (by edge-case time).' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(366)
  days = 30;
}

class DayCountDto {
  @ApiProperty({ description: 'UTC day, YYYY-MM-DD' }) day!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Scenario label; null while unlabelled.' }) scenario!: string | null;
  @ApiProperty() reasonKind!: string;
  @ApiProperty() count!: number;
}

class ModelSurpriseDto {
  @ApiProperty() modelVersion!: string;
  @ApiProperty() windows!: number;
  @ApiProperty() mean!: number;
  @ApiProperty() p50!: number;
  @ApiProperty() p90!: number;
  @ApiProperty() p99!: number;
}

class StatsDto {
  @ApiProperty() days!: number;
  @ApiProperty({ type: [DayCountDto] }) perDay!: DayCountDto[];
  @ApiProperty({ type: [ModelSurpriseDto] }) surpriseByModel!: ModelSurpriseDto[];
}

@ApiTags('stats')
@ApiBearerAuth()
@Roles('engineer', 'annotator')
@Controller('v1/stats')
export class StatsController {
  constructor(@Inject(Database) private readonly db: Database) {}

  @Get()
  @ApiOkResponse({ type: StatsDto, description: 'Edge cases per day by scenario and reason; the surprise distribution per model version.' })
  async stats(@Query() query: StatsQuery): Promise<StatsDto> {
    const since = Date.now() - query.days * 86_400_000;
    const [perDay, byModel] = await Promise.all([
      this.db.query<{ day: string; scenario: string | null; reason_kind: string; n: string }>(
        `SELECT to_char(to_timestamp(e.start_t / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, e.scenario_label AS scenario,
                r.kind AS reason_kind, count(*) AS n
         FROM edge_cases e CROSS JOIN LATERAL unnest(CASE WHEN cardinality(e.reason_kinds) = 0 THEN ARRAY['none'] ELSE e.reason_kinds END) AS r(kind)
         WHERE e.start_t >= $1 GROUP BY 1, 2, 3 ORDER BY 1 DESC, 4 DESC`,
        [since],
      ),
      this.db.query<{ version: string; n: string; mean: number; q: number[] }>(
        `SELECT m.version, count(*) AS n, avg(w.total) AS mean,
                percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY w.total) AS q
         FROM window_scores w JOIN model_versions m ON m.id = w.model_version_id
         WHERE w.start_t >= $1 GROUP BY m.version ORDER BY m.version`,
        [since],
      ),
    ]);
    return {
      days: query.days,
      perDay: perDay.map((r) => ({ day: r.day, scenario: r.scenario, reasonKind: r.reason_kind, count: Number(r.n) })),
      surpriseByModel: byModel.map((r) => ({
        modelVersion: r.version,
        windows: Number(r.n),
        mean: Number(r.mean),
        p50: Number(r.q[0]),
        p90: Number(r.q[1]),
        p99: Number(r.q[2]),
      })),
    };
  }
}
