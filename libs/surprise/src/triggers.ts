import { channelSeries, type Grid } from './grid';

/** The rule-based baseline stored beside every score. */
export const TRIGGERS = ['hard_brake', 'steering_reversal', 'high_jerk', 'disengagement'] as const;
export type Trigger = (typeof TRIGGERS)[number];

export interface TriggerThresholds {
  /** Deceleration (m/s², positive number) at or above which braking is hard. */
  hardBrakeMps2: number;
  /** Steering must swing from ≥ +this to ≤ −this (or back) within `reversalWithinMs`. */
  reversalDeg: number;
  reversalWithinMs: number;
  /** |Δaccel/Δt| in m/s³. */
  jerkMps3: number;
  /** A takeover-like input: brake pedal rising by this much within 300 ms, or steering faster than `steeringRateDegPerS`. */
  brakeJumpWithin300ms: number;
  steeringRateDegPerS: number;
}

export const DEFAULT_TRIGGER_THRESHOLDS: TriggerThresholds = {
  hardBrakeMps2: 4,
  reversalDeg: 15,
  reversalWithinMs: 1500,
  jerkMps3: 10,
  brakeJumpWithin300ms: 0.5,
  steeringRateDegPerS: 250,
};

export interface TriggerHit {
  trigger: Trigger;
  /** A number for the reason text (deceleration m/s², swing degrees, jerk m/s³, rate). */
  value: number;
  text: string;
}

const fmt = (x: number, digits = 1) => (x < 0 ? `\u2212${Math.abs(x).toFixed(digits)}` : x.toFixed(digits));

/**
 * Rule triggers over grid steps [from, from + n) (a window's horizon): hard brake (accel, else the
 * speed's slope over 0.5 s), steering reversal, high jerk, disengagement-like inputs (a sudden brake
 * stab or a very fast steering input). A trigger whose signals are absent simply does not fire.
 */
export function ruleTriggers(grid: Grid, from: number, n: number, th: TriggerThresholds = DEFAULT_TRIGGER_THRESHOLDS): TriggerHit[] {
  const dt = grid.stepMs / 1000;
  const hits: TriggerHit[] = [];
  const accel = channelSeries(grid, 'accel', from - 1, n + 1);
  const speed = channelSeries(grid, 'speed', from - 1, n + 1);
  const steering = channelSeries(grid, 'steering', from - 1, n + 1);
  const brake = channelSeries(grid, 'brake', from - 1, n + 1);

  let minAccel = Number.POSITIVE_INFINITY;
  for (const a of accel.slice(1)) if (a !== null) minAccel = Math.min(minAccel, a);
  if (!Number.isFinite(minAccel)) {
    const lag = Math.max(1, Math.round(0.5 / dt));
    for (let k = lag; k < speed.length; k++) {
      const a = speed[k];
      const b = speed[k - lag];
      if (a != null && b != null) minAccel = Math.min(minAccel, (a - b) / (lag * dt));
    }
  }
  if (Number.isFinite(minAccel) && -minAccel >= th.hardBrakeMps2) hits.push({ trigger: 'hard_brake', value: -minAccel, text: `hard brake (${fmt(minAccel)} m/s²)` });

  const within = Math.max(1, Math.round(th.reversalWithinMs / grid.stepMs));
  let reversal = 0;
  for (let i = 1; i < steering.length; i++) {
    const a = steering[i];
    if (a == null || Math.abs(a) < th.reversalDeg) continue;
    for (let j = i + 1; j < Math.min(steering.length, i + within + 1); j++) {
      const b = steering[j];
      if (b != null && Math.sign(b) === -Math.sign(a) && Math.abs(b) >= th.reversalDeg) reversal = Math.max(reversal, Math.abs(a - b));
    }
  }
  if (reversal > 0) hits.push({ trigger: 'steering_reversal', value: reversal, text: `steering reversal (${reversal.toFixed(0)}° swing)` });

  let jerk = 0;
  for (let k = 1; k < accel.length; k++) {
    const a = accel[k];
    const b = accel[k - 1];
    if (a != null && b != null) jerk = Math.max(jerk, Math.abs(a - b) / dt);
  }
  if (jerk >= th.jerkMps3) hits.push({ trigger: 'high_jerk', value: jerk, text: `high jerk (${jerk.toFixed(1)} m/s³)` });

  const lag3 = Math.max(1, Math.round(0.3 / dt));
  let brakeJump = 0;
  for (let k = lag3; k < brake.length; k++) {
    const a = brake[k];
    const b = brake[k - lag3];
    if (a != null && b != null) brakeJump = Math.max(brakeJump, a - b);
  }
  let steerRate = 0;
  for (let k = 1; k < steering.length; k++) {
    const a = steering[k];
    const b = steering[k - 1];
    if (a != null && b != null) steerRate = Math.max(steerRate, Math.abs(a - b) / dt);
  }
  if (brakeJump >= th.brakeJumpWithin300ms) hits.push({ trigger: 'disengagement', value: brakeJump, text: `sudden brake input (pedal +${Math.round(brakeJump * 100)}% within 0.3 s)` });
  else if (steerRate >= th.steeringRateDegPerS) hits.push({ trigger: 'disengagement', value: steerRate, text: `sudden steering input (${steerRate.toFixed(0)}°/s)` });
  return hits;
}
