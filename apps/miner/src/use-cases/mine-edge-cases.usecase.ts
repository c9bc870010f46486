import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { BUS, type Bus } from '@surprisal/bus';
import { ENGINE_CONFIG, type EngineConfig } from '@surprisal/config';
import { CONTRACTS, TOPICS, type EngineEdgeCasesV1 } from '@surprisal/contracts';
import { assignClusters, chooseQueue, explainEdgeCase, findPeaks, selectWithinBudget, type ComponentValues, type TriggerHit } from '@surprisal/surprise';
import { MINER_SETTINGS, type MinerSettings } from '../miner.settings';
import { EdgeCaseWriteRepository, type NewEdgeCaseRow } from '../repositories/edge-case-write.repository';
import { EdgeCaseThumbnailJob } from '../thumbnails/edge-case-thumbnail.job';

/** What the miner needs of a scored window (the scorer's ScoredWindow is one). */
export interface MinableWindow {
  segmentId: string;
  vehicleId: string;
  driveId: string;
  modelVersionId: string;
  modelVersion: string;
  startT: number;
  endT: number;
  total: number;
  pValue: number;
  z: ComponentValues;
  components: ComponentValues;
  typical: ComponentValues;
  triggers: TriggerHit[];
  series: { t: number[]; actual: Record<string, (number | null)[]>; predicted: Record<string, { mean: number[]; std: number[] }> };
  embedding: number[];
}

export interface MineOutcome {
  /** Edge cases created (not counting refreshed ones of a re-scored segment). */
  created: number;
  /** Of those, how many joined an existing cluster of near-duplicates. */
  clustered: number;
  /** Annotation tasks created (within the day's budget). */
  queued: number;
}

/**
 * Peaks of calibrated surprise → edge cases with reasons in words, split between the 'annotation'
 * queue (the model is unsure) and the 'safety' queue (the driver did something rare or risky);
 * near-duplicates (by embedding) join the cluster of an existing case instead of being queued again;
 * tasks are created within the daily budget, preferring new situations; engine.edge-cases.v1 is
 * published for every new case; cases with a clip get a frame strip once committed (EdgeCaseThumbnailJob).
 */
@Injectable()
export class MineEdgeCasesUseCase {
  private readonly logger = new Logger('Miner');
  private toldWhereToLook = false;

  constructor(
    @Inject(MINER_SETTINGS) private readonly settings: MinerSettings,
    @Inject(EdgeCaseWriteRepository) private readonly repo: EdgeCaseWriteRepository,
    @Inject(BUS) private readonly bus: Bus,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    @Inject(EdgeCaseThumbnailJob) private readonly thumbnails: EdgeCaseThumbnailJob,
  ) {}

  async execute(windows: readonly MinableWindow[]): Promise<MineOutcome> {
    const s = this.settings;
    const byDrive = new Map<string, MinableWindow[]>();
    for (const w of windows) {
      const key = `${w.driveId}\u0000${w.modelVersionId}`;
      byDrive.set(key, [...(byDrive.get(key) ?? []), w]);
    }
    let candidates: (NewEdgeCaseRow & { modelVersion: string })[] = [];
    for (const ws of byDrive.values()) {
      for (const peak of findPeaks(ws, { maxPValue: s.maxPValue, minTotal: s.minScore, mergeGapMs: s.mergeGapMs })) {
        const w = peak.peak;
        const triggers = [...new Map(peak.windows.flatMap((x) => x.triggers).map((t) => [t.trigger, t])).values()];
        const input = { z: w.z, components: w.components, typical: w.typical, t: w.series.t, actual: w.series.actual, predicted: w.series.predicted, triggers };
        const reasons = explainEdgeCase(input);
        candidates.push({
          id: randomUUID(),
          vehicleId: w.vehicleId,
          driveId: w.driveId,
          segmentId: w.segmentId,
          modelVersionId: w.modelVersionId,
          modelVersion: w.modelVersion,
          startT: peak.startT,
          endT: peak.endT,
          peakT: w.startT,
          score: w.total,
          pValue: w.pValue,
          queue: chooseQueue(w.z),
          reasonKinds: [...new Set(reasons.map((r) => r.kind))],
          reasons,
          triggers: triggers.map((t) => t.trigger),
          embedding: w.embedding,
          clusterId: '',
        });
      }
    }
    if (candidates.length === 0) return { created: 0, clustered: 0, queued: 0 };

    const result = await this.repo.transaction(async (tx) => {
      // The same event seen again (re-scored, or continued in the next segment) refreshes its case.
      for (const c of candidates) {
        const same = await this.repo.overlapping(tx, c.driveId, c.modelVersionId, c.startT - s.mergeGapMs, c.endT + s.mergeGapMs);
        if (same) {
          c.id = same.id;
          c.startT = same.startT;
        }
      }
      const unique = new Map<string, (typeof candidates)[number]>();
      for (const c of candidates) {
        const key = `${c.driveId}\u0000${c.modelVersionId}\u0000${c.startT}`;
        const prior = unique.get(key);
        if (!prior) unique.set(key, c);
        else {
          prior.endT = Math.max(prior.endT, c.endT);
          prior.triggers = [...new Set([...prior.triggers, ...c.triggers])];
          if (c.score > prior.score) Object.assign(prior, { ...c, id: prior.id, startT: prior.startT, endT: prior.endT, triggers: prior.triggers });
        }
      }
      candidates = [...unique.values()];
      const ids = new Set(candidates.map((c) => c.id));
      const existing = new Map<string, { id: string; clusterId: string; embedding: number[] }>();
      for (const c of candidates) for (const n of await this.repo.nearest(tx, c.embedding, 3)) if (!ids.has(n.id)) existing.set(n.id, n);
      const assignment = assignClusters(candidates.map((c) => ({ key: c.id, score: c.score, embedding: c.embedding })), [...existing.values()], s.dedupRadius);
      const joins = new Map(assignment.map((a) => [a.key, a.joins]));
      // A new case that joins another new case takes that case's cluster (its founder's id).
      const clusterOf = (id: string): string => {
        let at = id;
        for (const seen = new Set<string>(); !seen.has(at); ) {
          seen.add(at);
          const next = joins.get(at);
          if (next === undefined) return at;
          at = next;
        }
        return at;
      };
      for (const c of candidates) c.clusterId = clusterOf(c.id);
      const stored = await this.repo.upsert(tx, candidates);
      const inserted = new Set(stored.filter((r) => r.inserted).map((r) => r.id));
      const fresh = candidates.filter((c) => inserted.has(c.id));
      const budgetLeft = Math.max(0, s.dailyBudget - (await this.repo.tasksToday(tx)));
      const clusterTasks = await this.repo.clusterTaskCounts(tx, [...new Set(fresh.map((c) => c.clusterId))]);
      const chosen = selectWithinBudget(
        fresh.map((c) => ({ key: c.id, score: c.score, cluster: c.clusterId })),
        { budgetLeft, clusterTasks, maxPerCluster: s.maxPerCluster },
      );
      const queueOf = new Map(fresh.map((c) => [c.id, c.queue]));
      await this.repo.createTasks(tx, chosen.map((c) => ({ edgeCaseId: c.key, queue: queueOf.get(c.key)!, priority: c.priority })));
      return { fresh, queued: chosen.length };
    });
    // Committed: frame strips are rendered in the background (a new case's, or a refreshed one's whose clip arrived later).
    this.thumbnails.schedule(candidates.map((c) => c.id));

    const createdAt = new Date().toISOString();
    const events: EngineEdgeCasesV1[] = result.fresh.map((c) => ({
      edgeCaseId: c.id,
      vehicleId: c.vehicleId,
      driveId: c.driveId,
      segmentId: c.segmentId,
      modelVersion: c.modelVersion,
      startT: c.startT,
      endT: c.endT,
      score: c.score,
      pValue: c.pValue,
      queue: c.queue,
      reasonKinds: c.reasonKinds,
      createdAt,
    }));
    const valid = events.filter((e) => {
      const v = CONTRACTS.engineEdgeCases.validate(e);
      if (!v.ok) this.logger.error(`Edge case ${e.edgeCaseId} breaks engine.edge-cases.v1: ${v.violations.map((x) => `${x.pointer} ${x.message}`).join('; ')}`);
      return v.ok;
    });
    if (valid.length > 0) await this.bus.publish(TOPICS.engineEdgeCases, valid.map((e) => ({ key: e.vehicleId, value: JSON.stringify(e) })));
    const clustered = result.fresh.filter((c) => c.clusterId !== c.id).length;
    if (result.fresh.length > 0) {
      this.logger.log(`${result.fresh.length} new edge case(s), ${clustered} near-duplicate(s) clustered, ${result.queued} queued for review`);
      if (!this.toldWhereToLook) {
        this.toldWhereToLook = true;
        const key = this.config.adminKey ? '$SURPRISAL_ADMIN_KEY' : `$(cat ${this.config.dataDir}/admin.key)`;
        this.logger.log(`Edge cases are in: curl -H "Authorization: Bearer ${key}" ${this.config.publicUrl}/v1/edge-cases`);
      }
    }
    return { created: result.fresh.length, clustered, queued: result.queued };
  }
}
