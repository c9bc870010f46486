import { type ActionSample } from '@surprisal/contracts';
import { Rng } from '../core/rng';
import { type DriverModel } from '../driver/driver-model';
import { type VehicleState } from '../driver/vehicle-dynamics';
import { type Road } from '../world/road';
import { type Traffic } from '../world/traffic';

/** The scenario types the simulator can inject (names are the ground truth's `scenario` values). */
export const SCENARIO_NAMES = [
  'cut-in',
  'pedestrian-crossing',
  'debris-swerve',
  'red-light-runner',
  'road-works-lane-shift',
  'unusual-manoeuvre',
  'animal',
  'sensor-steering-spike',
  'sensor-frozen-speed',
  'sensor-dropped-samples',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** What a scenario may touch: the world (and so what the driver sees and does), the driver's intent, or only the emitted samples. */
export type ScenarioKind = 'world' | 'driver' | 'sensor';

export interface ScenarioContext {
  /** Seconds since the drive started. */
  t: number;
  ego: VehicleState;
  road: Road;
  traffic: Traffic;
  driver: DriverModel;
  rng: Rng;
}

export interface ActiveScenario {
  /** What the ground truth records about this instance (distances, speeds, variant). */
  params: Record<string, string | number | boolean>;
  /** Advances the scenario; false when it is over (its effect has ended). */
  update(ctx: ScenarioContext, dt: number): boolean;
  /** Sensor faults: corrupts an emitted sample, or drops it (undefined). */
  corrupt?(sample: ActionSample): ActionSample | undefined;
  /** Removes what the scenario placed and hands control back. */
  finish(ctx: ScenarioContext): void;
}

export interface ScenarioType {
  name: ScenarioName;
  kind: ScenarioKind;
  /** Expected occurrences per vehicle-minute when not configured otherwise. */
  defaultRate: number;
  /** Rare types are the ones a model trained on the fleet has barely seen. */
  rare: boolean;
  /** Longest an instance may last, s (it is ended and truncated there). */
  maxDuration: number;
  /** Starts an instance if the situation allows it (else undefined and the injector tries again shortly). */
  start(ctx: ScenarioContext): ActiveScenario | undefined;
}

/** One line of the ground-truth file (JSON lines), never part of the fleet data. */
export interface TruthRecord {
  scenario: ScenarioName;
  kind: ScenarioKind;
  rare: boolean;
  vehicleId: string;
  driveId: string;
  /** Epoch ms of the first and last sample the scenario affects. */
  startT: number;
  endT: number;
  seed: number;
  params: Record<string, string | number | boolean>;
}
