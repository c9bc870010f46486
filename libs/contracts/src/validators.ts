import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import engineEdgeCases from '../../../schemas/engine.edge-cases.v1.schema.json';
import engineModels from '../../../schemas/engine.models.v1.schema.json';
import engineSegments from '../../../schemas/engine.segments.v1.schema.json';
import fleetActions from '../../../schemas/fleet.actions.v1.schema.json';
import fleetClips from '../../../schemas/fleet.clips.v1.schema.json';
import fleetDlq from '../../../schemas/fleet.dlq.v1.schema.json';
import { type EngineEdgeCasesV1 } from './generated/engine.edge-cases.v1';
import { type EngineModelsV1 } from './generated/engine.models.v1';
import { type EngineSegmentsV1 } from './generated/engine.segments.v1';
import { type FleetActionsV1 } from './generated/fleet.actions.v1';
import { type FleetClipsV1 } from './generated/fleet.clips.v1';
import { type FleetDlqV1 } from './generated/fleet.dlq.v1';

/** One problem with a message: where (a JSON Pointer into it) and what. */
export interface ContractViolation {
  pointer: string;
  message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; violations: ContractViolation[] };

export interface ContractValidator<T> {
  readonly schemaId: string;
  validate(value: unknown): Validation<T>;
}

// Two compilations of each schema: the fast one stops at the first problem (the hot path of
// valid messages); only a rejected value is checked again with allErrors, to name every problem.
const fast = new Ajv2020({ allErrors: false, strict: true, allowUnionTypes: true });
const thorough = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(fast);
addFormats(thorough);

function validator<T>(schema: { $id: string }): ContractValidator<T> {
  const accepts: ValidateFunction<T> = fast.compile<T>(schema);
  // Compiled at the first rejection, not at start-up: most processes never reject anything.
  let explains: ValidateFunction<T> | undefined;
  return {
    schemaId: schema.$id,
    validate(value: unknown): Validation<T> {
      if (accepts(value)) return { ok: true, value };
      explains ??= thorough.compile<T>(schema);
      explains(value);
      return { ok: false, violations: (explains.errors ?? []).map(toViolation) };
    },
  };
}

function toViolation(e: ErrorObject): ContractViolation {
  // A missing property is reported at its parent; point at the property itself.
  const missing = e.keyword === 'required' ? `/${String((e.params as { missingProperty: string }).missingProperty)}` : '';
  return { pointer: `${e.instancePath}${missing}` || '/', message: e.message ?? e.keyword };
}

/** Compiled validators of every wire contract in schemas/ (the types come from the same files). */
export const CONTRACTS = {
  fleetActions: validator<FleetActionsV1>(fleetActions),
  fleetClips: validator<FleetClipsV1>(fleetClips),
  fleetDlq: validator<FleetDlqV1>(fleetDlq),
  engineSegments: validator<EngineSegmentsV1>(engineSegments),
  engineEdgeCases: validator<EngineEdgeCasesV1>(engineEdgeCases),
  engineModels: validator<EngineModelsV1>(engineModels),
};
