/**
 * A vehicle, drive or clip id as the contracts allow it: the `pattern` every id field of schemas/
 * carries (fleet.actions.v1, fleet.clips.v1, engine.*), for the checks made outside a schema.
 */
export const FLEET_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
