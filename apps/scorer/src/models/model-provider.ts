import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { BLOB_STORE, type BlobStore } from '@surprisal/storage';
import { BUS, type Bus } from '@surprisal/bus';
import { ENGINE_CONFIG, type EngineConfig } from '@surprisal/config';
import { CONTRACTS, TOPICS, type EngineModelsV1 } from '@surprisal/contracts';
import { defaultModelDir, LoadedModel, MODEL_NAMES } from '@surprisal/inference';
import { MODEL_IO } from '@surprisal/surprise';
import { SCORER_SETTINGS, type ScorerSettings } from '../scorer.settings';
import { ModelRegistryRepository, type ModelVersionRow } from './model-registry.repository';

/** A loaded model version held by the batches using it; released once swapped out and unused. */
export interface ActiveModel {
  versionId: string;
  version: string;
  model: LoadedModel;
}

interface Slot extends ActiveModel {
  users: number;
  retired: boolean;
}

/**
 * Owns the promoted model: registers and promotes the shipped default when nothing is promoted,
 * loads the promoted version, and swaps to a newly promoted one between batches (a batch keeps the
 * model it started with; the old one is released when its last batch ends). Every score records the
 * version that produced it.
 */
@Injectable()
export class ModelProvider implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ModelProvider');
  private slot: Slot | undefined;
  private stale = true;
  private loading: Promise<Slot> | undefined;

  constructor(
    @Inject(SCORER_SETTINGS) private readonly settings: ScorerSettings,
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    @Inject(ModelRegistryRepository) private readonly registry: ModelRegistryRepository,
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    @Inject(BUS) private readonly bus: Bus,
  ) {}

  /** Loads the promoted model at boot, so the log says at once which model runs on which device (or why none can). */
  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.current();
    } catch (err) {
      // Not fatal: the consumer retries each batch, and a model promoted later is picked up.
      this.stale = true;
      this.logger.error(`No model to score with yet: ${(err as Error).message}`);
    }
  }

  /** engine.models.v1 said something changed: the next batch re-reads the promoted version. */
  markStale(): void {
    this.stale = true;
  }

  /** Runs `work` with the promoted model (loading or swapping first if needed). */
  async withModel<T>(work: (m: ActiveModel) => Promise<T>): Promise<T> {
    const slot = await this.current();
    slot.users++;
    try {
      return await work(slot);
    } finally {
      slot.users--;
      if (slot.retired && slot.users === 0) await this.release(slot);
    }
  }

  private async current(): Promise<Slot> {
    if (!this.stale && this.slot) return this.slot;
    this.loading ??= this.refresh().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async refresh(): Promise<Slot> {
    this.stale = false;
    const row = (await this.registry.promoted()) ?? (await this.registerDefault());
    if (this.slot && this.slot.versionId === row.id) return this.slot;
    const dir = await this.materialise(row);
    const model = await LoadedModel.load(dir, {
      devices: this.settings.devices,
      maxBatch: this.settings.maxBatchWindows,
      intraOpThreads: this.settings.threads,
      log: (m) => this.logger.log(m),
    });
    const previous = this.slot;
    this.slot = { versionId: row.id, version: row.version, model, users: 0, retired: false };
    this.logger.log(`Scoring with model ${row.version} (${row.id}) on ${model.provider}${previous ? `; replaced ${previous.version}` : ''}`);
    if (previous) {
      previous.retired = true;
      if (previous.users === 0) await this.release(previous);
    }
    return this.slot;
  }

  /** The shipped default model, registered and promoted because nothing else is. */
  private async registerDefault(): Promise<ModelVersionRow> {
    const dir = defaultModelDir();
    if (!existsSync(join(dir, 'model-io.json'))) {
      throw new Error(`No promoted model and no default model at ${dir} (build it with apps/trainer/scripts/train-default-model.sh, or set SCORER_MODEL_DIR)`);
    }
    const hash = createHash('sha256');
    for (const name of MODEL_NAMES) hash.update(await readFile(join(dir, MODEL_IO.models[name].file)));
    const version = `default-${hash.digest('hex').slice(0, 12)}`;
    let metrics: Record<string, unknown> = {};
    try {
      metrics = JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8')) as Record<string, unknown>;
    } catch {
      // metrics are informative only
    }
    const { row, promoted } = await this.registry.registerAndPromoteIfNone(version, pathToFileURL(dir).href, { source: 'default', ...metrics });
    if (promoted) {
      this.logger.log(`No model was promoted: registered and promoted the default model ${version} from ${dir}`);
      const event: EngineModelsV1 = { event: 'promoted', modelVersionId: row.id, version, artifactUri: row.artifactUri, at: new Date().toISOString() };
      if (CONTRACTS.engineModels.validate(event).ok) await this.bus.publish(TOPICS.engineModels, [{ key: null, value: JSON.stringify(event) }]);
    }
    return (await this.registry.promoted()) ?? row;
  }

  /** A local folder holding the version's files: file:// artifacts as they are, others downloaded once into the data dir. */
  private async materialise(row: ModelVersionRow): Promise<string> {
    if (row.artifactUri.startsWith('file:')) return fileURLToPath(row.artifactUri);
    const dir = join(this.config.dataDir, 'models', row.version.replace(/[^A-Za-z0-9._-]/g, '_'));
    if (existsSync(join(dir, 'model-io.json'))) return dir;
    const tmp = `${dir}.part-${process.pid}`;
    await mkdir(tmp, { recursive: true });
    const prefix = this.store.keyOf(row.artifactUri).replace(/\/?$/, '/');
    let count = 0;
    for await (const blob of this.store.list(prefix)) {
      const name = blob.key.slice(prefix.length);
      if (name.includes('/')) continue;
      await writeFile(join(tmp, name), await this.store.get(blob.key));
      count++;
    }
    if (count === 0) throw new Error(`Model ${row.version}: nothing stored under ${row.artifactUri}`);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    return dir;
  }

  private async release(slot: Slot): Promise<void> {
    await slot.model.release().catch((err: unknown) => this.logger.warn(`Releasing model ${slot.version}: ${(err as Error).message}`));
  }

  async onModuleDestroy(): Promise<void> {
    const slot = this.slot;
    this.slot = undefined;
    if (slot && slot.users === 0) await this.release(slot);
  }
}
