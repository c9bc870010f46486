import { type LabelValidity } from '@surprisal/db';
import { SCENARIO_TYPES, TAXONOMY, VALIDITIES } from './taxonomy';

/** A task in Label Studio's JSON import format. */
export interface LabelStudioTask {
  data: {
    video: string | null;
    taskId: string;
    edgeCaseId: string;
    vehicleId: string;
    driveId: string;
    startT: number;
    endT: number;
    reasons: string;
    /** Columns for a TimeSeries tag: time plus actual and predicted (mean ± spread) actions. */
    ts: Record<string, number[]>;
  };
  predictions: { model_version: string; score: number; result: LabelStudioResult[] }[];
}

export interface LabelStudioResult {
  from_name: string;
  to_name: string;
  type: string;
  value: Record<string, unknown>;
}

/** The labelling config that matches the export (paste it into the Label Studio project). */
export function labelStudioConfig(): string {
  const choices = (name: string, items: { id: string; title: string }[]) =>
    `  <Choices name="${name}" toName="video" choice="single" required="true">\n${items.map((i) => `    <Choice value="${i.id}" hint="${i.title}"/>`).join('\n')}\n  </Choices>`;
  return [
    '<View>',
    '  <Video name="video" value="$video"/>',
    '  <TimeSeries name="ts" valueType="json" value="$ts" timeColumn="t">',
    '    <Channel column="steering_actual"/><Channel column="steering_predicted"/><Channel column="accel_actual"/><Channel column="accel_predicted"/>',
    '  </TimeSeries>',
    choices('scenario', TAXONOMY.scenarios),
    choices('validity', TAXONOMY.validity),
    '  <TextArea name="notes" toName="video" maxSubmissions="1"/>',
    '</View>',
  ].join('\n');
}

/** Series stored by the scorer ({t, actual:{ch:[]}, predicted:{ch:{mean:[],std:[]}}}) flattened into TimeSeries columns. */
export function seriesColumns(series: Record<string, unknown> | null): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  if (!series) return out;
  const nums = (v: unknown) => (Array.isArray(v) ? v.map(Number) : undefined);
  const t = nums(series.t);
  if (t) out.t = t;
  for (const [kind, value] of Object.entries(series)) {
    if ((kind !== 'actual' && kind !== 'predicted') || typeof value !== 'object' || value === null) continue;
    for (const [channel, data] of Object.entries(value as Record<string, unknown>)) {
      const direct = nums(data);
      if (direct) out[`${channel}_${kind}`] = direct;
      else if (typeof data === 'object' && data !== null) {
        const { mean, std } = data as { mean?: unknown; std?: unknown };
        if (nums(mean)) out[`${channel}_${kind}`] = nums(mean)!;
        if (nums(std)) out[`${channel}_${kind}_std`] = nums(std)!;
      }
    }
  }
  return out;
}

export interface ImportedAnnotation {
  taskId: string;
  scenarioType: string;
  validity: LabelValidity;
  notes: string;
  origin: { annotationId: unknown; completedBy: unknown };
}

/** Reads one task of a Label Studio JSON export: the latest annotation that was not cancelled. */
export function readLabelStudioTask(task: unknown): ImportedAnnotation | { error: string } | undefined {
  if (typeof task !== 'object' || task === null) return { error: 'a task is not an object' };
  const { data, annotations } = task as { data?: { taskId?: unknown }; annotations?: unknown };
  const taskId = data?.taskId;
  if (typeof taskId !== 'string' || !/^[0-9a-f-]{36}$/.test(taskId)) return { error: 'a task lacks data.taskId (export it from Surprisal first)' };
  if (!Array.isArray(annotations)) return undefined;
  const usable = annotations.filter((a): a is { id?: unknown; completed_by?: unknown; result?: unknown; was_cancelled?: unknown } =>
    typeof a === 'object' && a !== null && (a as { was_cancelled?: unknown }).was_cancelled !== true,
  );
  const latest = usable[usable.length - 1];
  if (!latest || !Array.isArray(latest.result)) return undefined;
  const pick = (name: string): unknown => (latest.result as LabelStudioResult[]).find((r) => r?.from_name === name)?.value;
  const scenario = (pick('scenario') as { choices?: unknown[] } | undefined)?.choices?.[0];
  const validity = (pick('validity') as { choices?: unknown[] } | undefined)?.choices?.[0] ?? 'real_event';
  const text = (pick('notes') as { text?: unknown[] } | undefined)?.text;
  if (typeof scenario !== 'string' || !SCENARIO_TYPES.includes(scenario)) return { error: `task ${taskId}: scenario "${String(scenario)}" is not in the taxonomy` };
  if (typeof validity !== 'string' || !(VALIDITIES as readonly string[]).includes(validity)) return { error: `task ${taskId}: validity ${JSON.stringify(validity)} is unknown` };
  return {
    taskId,
    scenarioType: scenario,
    validity: validity as LabelValidity,
    notes: Array.isArray(text) ? text.map(String).join('\n').slice(0, 4000) : '',
    origin: { annotationId: latest.id ?? null, completedBy: latest.completed_by ?? null },
  };
}
