import { Inject, Injectable, Logger } from '@nestjs/common';
import { decodeActionSamples } from '@surprisal/columnar';
import { type ActionSample, type EngineSegmentsV1 } from '@surprisal/contracts';
import { BLOB_STORE, StorageErrorCode, StorageException, type BlobStore } from '@surprisal/storage';
import { COMPONENTS, SurpriseCalibrator, type ComponentValues } from '@surprisal/surprise';
import { MineEdgeCasesUseCase } from '../../../miner/src/use-cases/mine-edge-cases.usecase';
import { ModelProvider, type ActiveModel } from '../models/model-provider';
import { CalibrationRepository } from '../repositories/calibration.repository';
import { SegmentDataRepository } from '../repositories/segment-data.repository';
import { WindowScoreRepository } from '../repositories/window-score.repository';
import { SCORER_SETTINGS, type ScorerSettings } from '../scorer.settings';
import { Limiter } from '@surprisal/platform';
import { primaryCamera } from '@surprisal/video';
import { ClipEmbeddingCache, embedClip, framesInRange } from '../scoring/frame-embedder';
import { type ScoredWindow } from '../scoring/scored-window';
import { scoreSegments, segmentSpan, type SegmentToScore } from '../scoring/segment-scorer';

export interface ScoreOutcome {
  modelVersion: string;
  segments: number;
  windows: number;
  edgeCases: number;
  /** Segments that cannot be scored, ever (their samples are gone or corrupt): the consumer dead-letters them. */
  unscorable: { segmentId: string; code: string; detail: string }[];
}

const CALIBRATION_SAVE_MS = 5_000;

/** Storage failures that retrying will not fix. */
const PERMANENT = new Set<string>([StorageErrorCode.NotFound, StorageErrorCode.ChecksumMismatch, StorageErrorCode.ForeignUri, StorageErrorCode.InvalidKey]);

/**
 * Scores a batch of segments with the promoted model: loads each segment's samples (with the previous
 * segment's for history) and frames, scores every window of the batch together, calibrates against the
 * fleet's recent scores under the same model version, replaces the segment's stored windows, and hands
 * them to the miner. Idempotent: the same segment and model version always ends as one set of rows.
 */
@Injectable()
export class ScoreSegmentsUseCase {
  private readonly logger = new Logger('ScoreSegments');
  private readonly calibrators = new Map<string, SurpriseCalibrator>();
  private readonly savedAt = new Map<string, number>();
  private readonly clipCache = new ClipEmbeddingCache();
  private readonly decoders: Limiter;

  constructor(
    @Inject(SCORER_SETTINGS) private readonly settings: ScorerSettings,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    @Inject(ModelProvider) private readonly models: ModelProvider,
    @Inject(SegmentDataRepository) private readonly segmentData: SegmentDataRepository,
    @Inject(CalibrationRepository) private readonly calibration: CalibrationRepository,
    @Inject(WindowScoreRepository) private readonly windowScores: WindowScoreRepository,
    @Inject(MineEdgeCasesUseCase) private readonly miner: MineEdgeCasesUseCase,
  ) {
    this.decoders = new Limiter(settings.decodeConcurrency);
  }

  async execute(events: readonly EngineSegmentsV1[]): Promise<ScoreOutcome> {
    // A batch may hold two versions of one segment: the latest wins.
    const latest = new Map<string, EngineSegmentsV1>();
    for (const e of events) if ((latest.get(e.segmentId)?.version ?? 0) <= e.version) latest.set(e.segmentId, e);
    // A segment this database does not hold (another environment's, or one whose row was lost) cannot be stored.
    const known = await this.segmentData.existing([...latest.keys()]);
    const unscorable: ScoreOutcome['unscorable'] = [];
    for (const id of latest.keys()) if (!known.has(id)) unscorable.push({ segmentId: id, code: 'unknown_segment', detail: `segment ${id} is not in this engine's database` });
    const segments = [...latest.values()].filter((e) => known.has(e.segmentId));
    if (segments.length === 0) return { modelVersion: '', segments: 0, windows: 0, edgeCases: 0, unscorable };
    return this.models.withModel(async (active) => {
      // Segments N-1 and N of one batch share an object (N-1's samples are N's history): each is read once.
      const objects = new Map<string, Promise<ActionSample[]>>();
      const loaded = await Promise.allSettled(segments.map((s) => this.load(active, s, objects)));
      const inputs: SegmentToScore[] = [];
      loaded.forEach((r, i) => {
        if (r.status === 'fulfilled') inputs.push(r.value);
        else if (r.reason instanceof StorageException && PERMANENT.has(r.reason.code)) unscorable.push({ segmentId: segments[i].segmentId, code: `segment_${r.reason.code}`, detail: r.reason.message });
        else throw r.reason;
      });
      const raw = await scoreSegments(active.model, inputs);
      const scored = await this.calibrate(active, raw);
      await this.windowScores.replace(active.versionId, inputs.map((s) => s.segmentId), scored);
      const mined = await this.miner.execute(scored);
      return { modelVersion: active.version, segments: inputs.length, windows: scored.length, edgeCases: mined.created, unscorable };
    });
  }

  private async load(active: ActiveModel, e: EngineSegmentsV1, objects: Map<string, Promise<ActionSample[]>>): Promise<SegmentToScore> {
    const { fromT, toT } = segmentSpan(active.model.io, e.startT, e.endT);
    const previousUri = await this.segmentData.segmentUri(e.driveId, e.segmentIndex - 1);
    const [current, previous] = await Promise.all([this.samples(e.uri, objects), previousUri ? this.samples(previousUri, objects).catch(() => []) : Promise.resolve([])]);
    const samples: ActionSample[] = [...previous.filter((s) => s.t >= fromT && s.t < e.startT), ...current];
    let frames;
    // The event's clips are the ready clips overlapping [startT, endT) when ingest wrote the segment; a ready
    // clip stays ready and is never deleted, so this wider query over the same table already holds them.
    const clips = await this.segmentData.readyClips(e.driveId, fromT, toT);
    if (clips.length > 0) {
      const camera = primaryCamera(clips.map((c) => c.camera));
      const chosen = clips.filter((c) => c.camera === camera && c.fps > 0).sort((a, b) => a.startT - b.startT);
      try {
        // Every clip of the batch decodes as soon as a decoder is free; a clip shared by two segments is embedded once.
        const parts = await Promise.all(
          chosen.map((c) =>
            this.clipCache.get(`${active.versionId}|${c.uri}`, () =>
              this.decoders.run(() => embedClip(active.model, { startT: c.startT, fps: c.fps, open: () => this.store.getStream(this.store.keyOf(c.uri)) })),
            ),
          ),
        );
        frames = framesInRange(parts, fromT, toT);
      } catch (err) {
        // A clip that will not decode must not stop scoring: the segment is scored from actions only.
        this.logger.warn(`Segment ${e.segmentId}: clip decoding failed (${(err as Error).message}); scoring from actions only`);
      }
    }
    return { segmentId: e.segmentId, vehicleId: e.vehicleId, driveId: e.driveId, startT: e.startT, endT: e.endT, samples, frames };
  }

  /** The samples of one stored segment object, read and decoded once per batch (`objects`). */
  private samples(uri: string, objects: Map<string, Promise<ActionSample[]>>): Promise<ActionSample[]> {
    let read = objects.get(uri);
    if (!read) {
      read = (async () => decodeActionSamples(await this.store.get(this.store.keyOf(uri))))();
      objects.set(uri, read);
    }
    return read;
  }

  private async calibrate(active: ActiveModel, raw: Awaited<ReturnType<typeof scoreSegments>>): Promise<ScoredWindow[]> {
    let cal = this.calibrators.get(active.versionId);
    if (!cal) {
      cal = new SurpriseCalibrator(this.settings.calibrationWindows, await this.calibration.load(active.versionId));
      this.calibrators.set(active.versionId, cal);
    }
    const scores = cal.calibrateBatch(raw.map((w) => w.components), raw.map((w) => ({ group: w.segmentId, t: w.startT })));
    // The reservoir is persisted at most every few seconds per model version (a restart loses at most that much).
    if (raw.length > 0 && Date.now() - (this.savedAt.get(active.versionId) ?? 0) >= CALIBRATION_SAVE_MS) {
      await this.calibration.save(active.versionId, cal.toState());
      this.savedAt.set(active.versionId, Date.now());
    }
    const typical: ComponentValues = {};
    for (const c of COMPONENTS) {
      const v = cal.typical(c);
      if (Number.isFinite(v)) typical[c] = v;
    }
    return raw.map((w, i) => {
      const s = scores[i];
      const storedComponents: Record<string, number> = { ...w.components };
      if (Number.isFinite(w.nll)) storedComponents.nll = w.nll;
      for (const [c, z] of Object.entries(s.z)) storedComponents[`z${c[0].toUpperCase()}${c.slice(1)}`] = Math.round(z * 1000) / 1000;
      return { ...w, modelVersionId: active.versionId, modelVersion: active.version, z: s.z, total: s.total, pValue: s.pValue, storedComponents, typical };
    });
  }
}
