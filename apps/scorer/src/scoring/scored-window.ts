import { type ComponentValues } from '@surprisal/surprise';
import { type RawWindow } from './segment-scorer';

/** A window after calibration: what window_scores stores and the miner mines. */
export interface ScoredWindow extends RawWindow {
  modelVersionId: string;
  modelVersion: string;
  /** Robust z of each component against the fleet's recent values under this model. */
  z: ComponentValues;
  total: number;
  pValue: number;
  /** window_scores.components: the raw components (the API reads these four), the window NLL and each z. */
  storedComponents: Record<string, number>;
  /** The fleet's typical value of each component, for reasons ("3× the usual"). */
  typical: ComponentValues;
}
