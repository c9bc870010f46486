import { type ComponentValues } from './calibration';
import { type TriggerHit } from './triggers';

export interface Reason {
  kind: string;
  text: string;
  [extra: string]: unknown;
}

/** What a reason needs of a window: the prediction and the actual horizon (physical units, null = absent). */
export interface WindowExplanationInput {
  /** Robust z per component (from the calibrator). */
  z: ComponentValues;
  /** Raw components, and the fleet's typical value of each, for ratios. */
  components: ComponentValues;
  typical: ComponentValues;
  /** ms offsets of horizon steps from the window's start. */
  t: readonly number[];
  actual: Record<string, readonly (number | null)[]>;
  predicted: Record<string, { mean: readonly number[]; std: readonly number[] }>;
  triggers: readonly TriggerHit[];
}

const UNITS: Record<string, { unit: string; digits: number; label: string }> = {
  steering: { unit: '°', digits: 0, label: 'steering' },
  speed: { unit: ' m/s', digits: 1, label: 'speed' },
  accel: { unit: ' m/s²', digits: 1, label: 'acceleration' },
  yawRate: { unit: ' rad/s', digits: 2, label: 'yaw rate' },
};

/** "+12", "−20" (a true minus sign), "0". */
export function signed(x: number, digits: number): string {
  const r = Number(x.toFixed(digits));
  if (r === 0) return (0).toFixed(digits);
  return r > 0 ? `+${r.toFixed(digits)}` : `\u2212${Math.abs(r).toFixed(digits)}`;
}

const LATERAL = ['steering', 'yawRate'];
const LONGITUDINAL = ['speed', 'accel'];

/** The step and channel (of `channels`) where the actual value lies most standard deviations from the prediction. */
function worstMiss(input: WindowExplanationInput, channels: readonly string[]): { channel: string; i: number; dz: number } | undefined {
  let best: { channel: string; i: number; dz: number } | undefined;
  for (const ch of channels) {
    const a = input.actual[ch];
    const p = input.predicted[ch];
    if (!a || !p) continue;
    a.forEach((v, i) => {
      if (v === null) return;
      const dz = Math.abs(v - p.mean[i]) / Math.max(p.std[i], 1e-6);
      if (!best || dz > best.dz) best = { channel: ch, i, dz };
    });
  }
  return best;
}

function missText(input: WindowExplanationInput, m: { channel: string; i: number }): string {
  const u = UNITS[m.channel] ?? { unit: '', digits: 2, label: m.channel };
  const predicted = input.predicted[m.channel].mean[m.i];
  const actual = input.actual[m.channel][m.i]!;
  const at = (input.t[m.i] / 1000).toFixed(1);
  const fmt = m.channel === 'speed' ? (x: number) => x.toFixed(u.digits) : (x: number) => signed(x, u.digits);
  return `predicted ${u.label} ${fmt(predicted)}${u.unit}, actual ${fmt(actual)}${u.unit} (${at} s ahead)`;
}

/**
 * Reasons in words a reviewer understands, strongest first: each component whose robust z reaches
 * `minZ` ("predicted steering +12°, actual −20°"; "scene unlike anything seen"; "model unsure: members
 * disagree"), then every rule trigger that fired.
 */
export function explainWindow(input: WindowExplanationInput, minZ = 3): Reason[] {
  const reasons: { z: number; r: Reason }[] = [];
  const ratio = (c: keyof ComponentValues) => {
    const v = input.components[c];
    const t = input.typical[c];
    return v !== undefined && t !== undefined && t > 0 ? v / t : undefined;
  };
  for (const [component, channels] of [['nllLateral', LATERAL], ['nllLongitudinal', LONGITUDINAL]] as const) {
    const z = input.z[component];
    if (z === undefined || z < minZ) continue;
    const miss = worstMiss(input, channels);
    if (!miss) continue;
    reasons.push({ z, r: { kind: 'action_nll', text: missText(input, miss), component, channel: miss.channel, z: round(z) } });
  }
  const zl = input.z.latent;
  if (zl !== undefined && zl >= minZ) {
    const x = ratio('latent');
    reasons.push({ z: zl, r: { kind: 'latent', text: `scene unlike anything seen (latent prediction error ${x ? `${x.toFixed(1)}× the fleet's typical` : 'unusually high'})`, z: round(zl) } });
  }
  const zd = input.z.disagreement;
  if (zd !== undefined && zd >= minZ) {
    const x = ratio('disagreement');
    reasons.push({ z: zd, r: { kind: 'disagreement', text: `model unsure: members disagree (${x ? `${x.toFixed(1)}× the usual spread` : 'unusual spread'})`, z: round(zd) } });
  }
  const zf = input.z.speedFlatline;
  const flat = input.components.speedFlatline;
  if (zf !== undefined && zf >= minZ && flat !== undefined) {
    reasons.push({ z: zf, r: { kind: 'sensor', text: `sensor fault: speed signal frozen over ${Math.round(flat * 100)}% of the horizon while moving`, z: round(zf) } });
  }
  reasons.sort((a, b) => b.z - a.z);
  return [...reasons.map((x) => x.r), ...input.triggers.map((t) => ({ kind: t.trigger, text: t.text, value: round(t.value) }))];
}

/**
 * The reasons of an edge case: explainWindow's, and when no component reaches `minZ` (a peak carried by
 * triggers, or a total above the bar with no single component there), its strongest component however
 * modest, so every edge case says what the model made of it. Component reasons are the ones that carry a z.
 */
export function explainEdgeCase(input: WindowExplanationInput, minZ = 3): Reason[] {
  const reasons = explainWindow(input, minZ);
  if (reasons.some((r) => r.z !== undefined)) return reasons;
  const top = Math.max(...Object.values(input.z).filter((v): v is number => v !== undefined));
  return explainWindow(input, Number.isFinite(top) ? top : 0);
}

/**
 * Which review queue: 'annotation' when the model itself is the problem (its members disagree or the
 * scene is new to it: label and retrain) or the data is (a frozen sensor: label it so training can skip
 * or learn it), 'safety' when a confident model saw the driver do something rare or risky (large action
 * NLL, or rule triggers alone).
 */
export function chooseQueue(z: ComponentValues): 'annotation' | 'safety' {
  const unsure = Math.max(z.disagreement ?? Number.NEGATIVE_INFINITY, z.latent ?? Number.NEGATIVE_INFINITY, z.speedFlatline ?? Number.NEGATIVE_INFINITY);
  const action = Math.max(z.nllLateral ?? Number.NEGATIVE_INFINITY, z.nllLongitudinal ?? Number.NEGATIVE_INFINITY);
  return unsure > action ? 'annotation' : 'safety';
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
