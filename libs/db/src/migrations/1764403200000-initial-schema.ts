import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Data model v1. Every idempotency key named in DESIGN.md is a unique constraint with an explicit
 * name, so a redelivered message or a retried request can never store a second copy.
 * Sample times are epoch milliseconds (bigint), as on the wire.
 */
export class InitialSchema1764403200000 implements MigrationInterface {
  name = 'InitialSchema1764403200000';

  async up(q: QueryRunner): Promise<void> {
    // cube indexes edge-case embeddings (≤ 100 dimensions) on stock PostgreSQL and on PGlite alike.
    await q.query(`CREATE EXTENSION IF NOT EXISTS cube`);

    await q.query(`
      CREATE TABLE api_keys (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        name text NOT NULL,
        role text NOT NULL,
        key_hash text NOT NULL,
        key_prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz,
        CONSTRAINT pk_api_keys PRIMARY KEY (id),
        CONSTRAINT uq_api_keys_key_hash UNIQUE (key_hash),
        CONSTRAINT ck_api_keys_role CHECK (role IN ('ingest', 'annotator', 'engineer', 'admin'))
      )`);

    await q.query(`
      CREATE TABLE vehicles (
        id text NOT NULL,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_vehicles PRIMARY KEY (id)
      )`);

    await q.query(`
      CREATE TABLE drives (
        id text NOT NULL,
        vehicle_id text NOT NULL,
        first_t bigint,
        last_t bigint,
        sample_count bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_drives PRIMARY KEY (id),
        CONSTRAINT fk_drives_vehicle FOREIGN KEY (vehicle_id) REFERENCES vehicles (id)
      )`);
    await q.query(`CREATE INDEX ix_drives_vehicle ON drives (vehicle_id, first_t)`);

    // One row per accepted fleet.actions.v1 batch: (vehicle, drive, seq) is the idempotency key.
    await q.query(`
      CREATE TABLE action_batches (
        id bigint GENERATED ALWAYS AS IDENTITY,
        vehicle_id text NOT NULL,
        drive_id text NOT NULL,
        seq bigint NOT NULL,
        first_t bigint NOT NULL,
        last_t bigint NOT NULL,
        sample_count integer NOT NULL,
        samples jsonb NOT NULL,
        source text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_action_batches PRIMARY KEY (id),
        CONSTRAINT uq_action_batches_vehicle_drive_seq UNIQUE (vehicle_id, drive_id, seq),
        CONSTRAINT fk_action_batches_drive FOREIGN KEY (drive_id) REFERENCES drives (id)
      )`);
    await q.query(`CREATE INDEX ix_action_batches_drive_time ON action_batches (drive_id, first_t)`);

    // A fixed-length slice of one drive, stored columnar in object storage; re-emitted (version + 1) when late data completes it.
    await q.query(`
      CREATE TABLE action_segments (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        vehicle_id text NOT NULL,
        drive_id text NOT NULL,
        segment_index integer NOT NULL,
        start_t bigint NOT NULL,
        end_t bigint NOT NULL,
        sample_count integer NOT NULL,
        signals text[] NOT NULL DEFAULT '{}',
        uri text,
        sha256 text,
        version integer NOT NULL DEFAULT 1,
        status text NOT NULL DEFAULT 'open',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_action_segments PRIMARY KEY (id),
        CONSTRAINT uq_action_segments_drive_index UNIQUE (drive_id, segment_index),
        CONSTRAINT fk_action_segments_drive FOREIGN KEY (drive_id) REFERENCES drives (id),
        CONSTRAINT ck_action_segments_status CHECK (status IN ('open', 'complete'))
      )`);
    await q.query(`CREATE INDEX ix_action_segments_vehicle_time ON action_segments (vehicle_id, start_t)`);

    // A camera clip named by fleet.clips.v1; (vehicle, clip id) is the idempotency key.
    await q.query(`
      CREATE TABLE clips (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        vehicle_id text NOT NULL,
        drive_id text NOT NULL,
        clip_id text NOT NULL,
        camera text NOT NULL,
        uri text NOT NULL,
        start_t bigint NOT NULL,
        end_t bigint NOT NULL,
        fps real NOT NULL,
        sha256 text NOT NULL,
        status text NOT NULL DEFAULT 'pending',
        failure_reason text,
        probe jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_clips PRIMARY KEY (id),
        CONSTRAINT uq_clips_vehicle_clip UNIQUE (vehicle_id, clip_id),
        CONSTRAINT ck_clips_status CHECK (status IN ('pending', 'ready', 'failed'))
      )`);
    await q.query(`CREATE INDEX ix_clips_drive_time ON clips (drive_id, start_t)`);

    await q.query(`
      CREATE TABLE model_versions (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        version text NOT NULL,
        artifact_uri text NOT NULL,
        io_contract text NOT NULL,
        metrics jsonb NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'candidate',
        retraining_job_id uuid,
        promoted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_model_versions PRIMARY KEY (id),
        CONSTRAINT uq_model_versions_version UNIQUE (version),
        CONSTRAINT ck_model_versions_status CHECK (status IN ('candidate', 'promoted', 'retired', 'rejected'))
      )`);
    // At most one promoted model at a time.
    await q.query(`CREATE UNIQUE INDEX uq_model_versions_promoted ON model_versions ((true)) WHERE status = 'promoted'`);

    // One scored window; re-scoring a segment with the same model replaces, never duplicates.
    await q.query(`
      CREATE TABLE window_scores (
        id bigint GENERATED ALWAYS AS IDENTITY,
        segment_id uuid NOT NULL,
        model_version_id uuid NOT NULL,
        vehicle_id text NOT NULL,
        drive_id text NOT NULL,
        start_t bigint NOT NULL,
        end_t bigint NOT NULL,
        components jsonb NOT NULL,
        total double precision NOT NULL,
        p_value double precision,
        triggers text[] NOT NULL DEFAULT '{}',
        series jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_window_scores PRIMARY KEY (id),
        CONSTRAINT uq_window_scores_segment_model_start UNIQUE (segment_id, model_version_id, start_t),
        CONSTRAINT fk_window_scores_segment FOREIGN KEY (segment_id) REFERENCES action_segments (id),
        CONSTRAINT fk_window_scores_model FOREIGN KEY (model_version_id) REFERENCES model_versions (id)
      )`);
    await q.query(`CREATE INDEX ix_window_scores_model_total ON window_scores (model_version_id, total DESC)`);
    await q.query(`CREATE INDEX ix_window_scores_drive_time ON window_scores (drive_id, start_t)`);

    // A mined peak of surprise; (drive, model, start) is the idempotency key of the miner.
    await q.query(`
      CREATE TABLE edge_cases (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        vehicle_id text NOT NULL,
        drive_id text NOT NULL,
        segment_id uuid NOT NULL,
        model_version_id uuid NOT NULL,
        start_t bigint NOT NULL,
        end_t bigint NOT NULL,
        peak_t bigint NOT NULL,
        score double precision NOT NULL,
        p_value double precision,
        status text NOT NULL DEFAULT 'new',
        queue text NOT NULL,
        reason_kinds text[] NOT NULL DEFAULT '{}',
        reasons jsonb NOT NULL DEFAULT '[]',
        triggers text[] NOT NULL DEFAULT '{}',
        scenario_label text,
        embedding cube,
        cluster_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_edge_cases PRIMARY KEY (id),
        CONSTRAINT uq_edge_cases_drive_model_start UNIQUE (drive_id, model_version_id, start_t),
        CONSTRAINT fk_edge_cases_segment FOREIGN KEY (segment_id) REFERENCES action_segments (id),
        CONSTRAINT fk_edge_cases_model FOREIGN KEY (model_version_id) REFERENCES model_versions (id),
        CONSTRAINT ck_edge_cases_status CHECK (status IN ('new', 'queued', 'in_annotation', 'labelled', 'dismissed')),
        CONSTRAINT ck_edge_cases_queue CHECK (queue IN ('annotation', 'safety'))
      )`);
    await q.query(`CREATE INDEX ix_edge_cases_created ON edge_cases (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX ix_edge_cases_score ON edge_cases (score DESC, id DESC)`);
    await q.query(`CREATE INDEX ix_edge_cases_vehicle_time ON edge_cases (vehicle_id, start_t)`);
    await q.query(`CREATE INDEX ix_edge_cases_embedding ON edge_cases USING gist (embedding)`);

    await q.query(`
      CREATE TABLE annotation_tasks (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        edge_case_id uuid NOT NULL,
        queue text NOT NULL,
        priority double precision NOT NULL DEFAULT 0,
        status text NOT NULL DEFAULT 'open',
        claimed_by uuid,
        lease_expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_annotation_tasks PRIMARY KEY (id),
        CONSTRAINT uq_annotation_tasks_edge_case UNIQUE (edge_case_id),
        CONSTRAINT fk_annotation_tasks_edge_case FOREIGN KEY (edge_case_id) REFERENCES edge_cases (id),
        CONSTRAINT fk_annotation_tasks_claimed_by FOREIGN KEY (claimed_by) REFERENCES api_keys (id),
        CONSTRAINT ck_annotation_tasks_status CHECK (status IN ('open', 'claimed', 'submitted', 'accepted', 'sent_back')),
        CONSTRAINT ck_annotation_tasks_queue CHECK (queue IN ('annotation', 'safety'))
      )`);
    await q.query(`CREATE INDEX ix_annotation_tasks_claimable ON annotation_tasks (queue, priority DESC, created_at) WHERE status IN ('open', 'claimed')`);

    // The current label of a task; submitting twice updates it in place, the history is label_audit.
    await q.query(`
      CREATE TABLE labels (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        task_id uuid NOT NULL,
        edge_case_id uuid NOT NULL,
        scenario_type text NOT NULL,
        validity text NOT NULL,
        notes text NOT NULL DEFAULT '',
        author_key_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_labels PRIMARY KEY (id),
        CONSTRAINT uq_labels_task UNIQUE (task_id),
        CONSTRAINT fk_labels_task FOREIGN KEY (task_id) REFERENCES annotation_tasks (id),
        CONSTRAINT fk_labels_edge_case FOREIGN KEY (edge_case_id) REFERENCES edge_cases (id),
        CONSTRAINT fk_labels_author FOREIGN KEY (author_key_id) REFERENCES api_keys (id),
        CONSTRAINT ck_labels_validity CHECK (validity IN ('real_event', 'sensor_fault', 'not_interesting'))
      )`);

    await q.query(`
      CREATE TABLE label_audit (
        id bigint GENERATED ALWAYS AS IDENTITY,
        label_id uuid NOT NULL,
        actor_key_id uuid NOT NULL,
        action text NOT NULL,
        before jsonb,
        after jsonb,
        at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_label_audit PRIMARY KEY (id),
        CONSTRAINT fk_label_audit_label FOREIGN KEY (label_id) REFERENCES labels (id)
      )`);
    await q.query(`CREATE INDEX ix_label_audit_label ON label_audit (label_id, at)`);

    await q.query(`
      CREATE TABLE datasets (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        name text NOT NULL,
        manifest_uri text NOT NULL,
        manifest_sha256 text NOT NULL,
        item_count integer NOT NULL,
        spec jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_datasets PRIMARY KEY (id),
        CONSTRAINT uq_datasets_manifest_sha256 UNIQUE (manifest_sha256)
      )`);

    // A client-chosen idempotency key makes a retried POST /v1/retraining-jobs return the same job.
    await q.query(`
      CREATE TABLE retraining_jobs (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        idempotency_key text,
        dataset_id uuid,
        status text NOT NULL DEFAULT 'queued',
        params jsonb NOT NULL DEFAULT '{}',
        progress jsonb NOT NULL DEFAULT '{}',
        model_version_id uuid,
        error text,
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        CONSTRAINT pk_retraining_jobs PRIMARY KEY (id),
        CONSTRAINT uq_retraining_jobs_idempotency_key UNIQUE (idempotency_key),
        CONSTRAINT fk_retraining_jobs_dataset FOREIGN KEY (dataset_id) REFERENCES datasets (id),
        CONSTRAINT fk_retraining_jobs_model FOREIGN KEY (model_version_id) REFERENCES model_versions (id),
        CONSTRAINT fk_retraining_jobs_created_by FOREIGN KEY (created_by) REFERENCES api_keys (id),
        CONSTRAINT ck_retraining_jobs_status CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled'))
      )`);
    await q.query(`ALTER TABLE model_versions ADD CONSTRAINT fk_model_versions_retraining_job FOREIGN KEY (retraining_job_id) REFERENCES retraining_jobs (id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'label_audit', 'labels', 'annotation_tasks', 'edge_cases', 'window_scores', 'model_versions', 'retraining_jobs',
      'datasets', 'clips', 'action_segments', 'action_batches', 'drives', 'vehicles', 'api_keys',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table} CASCADE`);
    }
  }
}
