import taxonomy from '../../../../schemas/scenario-taxonomy.v1.json';

/** Scenario types and validity values annotators choose from (schemas/scenario-taxonomy.v1.json, extensible). */
export const SCENARIO_TYPES: readonly string[] = taxonomy.scenarios.map((s) => s.id);
export const VALIDITIES = ['real_event', 'sensor_fault', 'not_interesting'] as const;
export const TAXONOMY = taxonomy;
