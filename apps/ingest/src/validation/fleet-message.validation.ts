import { CONTRACTS, type ActionSample, type ContractValidator, type ContractViolation, type FleetActionsV1, type FleetClipsV1 } from '@surprisal/contracts';
import { IngestErrorCode, IngestException } from '../ingest.exception';

/** What counts as a plausible sample time, relative to when the message was received. */
export interface TimeBounds {
  minT: number;
  maxFutureSkewMs: number;
}

const MAX_VIOLATIONS_IN_DETAIL = 5;

/** Escapes one JSON Pointer reference token (RFC 6901). */
function token(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Parses a message value; empty or malformed bytes are `invalid_json`. */
export function parseJson(bytes: Buffer): unknown {
  if (bytes.length === 0) throw new IngestException(IngestErrorCode.InvalidJson, 'empty message value');
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (err) {
    throw new IngestException(IngestErrorCode.InvalidJson, `not JSON: ${(err as Error).message}`);
  }
}

/**
 * JSON cannot carry NaN, but 1e999 parses to Infinity: the pointer of the first non-finite number, if any.
 * Iterative, so hostile nesting cannot overflow the stack.
 */
export function findNonFinite(value: unknown): string | undefined {
  const stack: { v: unknown; p: string }[] = [{ v: value, p: '' }];
  while (stack.length > 0) {
    const { v, p } = stack.pop() as { v: unknown; p: string };
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return p;
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i] as unknown, p: `${p}/${i}` });
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) stack.push({ v: child as unknown, p: `${p}/${token(k)}` });
    }
  }
  return undefined;
}

/**
 * Every number the contracts know has finite bounds, so a value the compiled schema accepts has no
 * non-finite number where it matters (unknown fields are dropped, never stored): the walk for
 * ±Infinity runs only on rejected values, to tell `non_finite_value` from `schema_violation`.
 */
function checkContract<T>(validator: ContractValidator<T>, value: unknown, pointerPrefix: string): T {
  const result = validator.validate(value);
  if (result.ok) return result.value;
  const nonFinite = findNonFinite(value);
  if (nonFinite !== undefined) throw new IngestException(IngestErrorCode.NonFiniteValue, 'a number is not finite (NaN or ±Infinity)', pointerPrefix + nonFinite);
  throw schemaViolation(result.violations, pointerPrefix);
}

function schemaViolation(violations: ContractViolation[], pointerPrefix: string): IngestException {
  const shown = violations.slice(0, MAX_VIOLATIONS_IN_DETAIL).map((v) => `${pointerPrefix}${v.pointer === '/' ? '' : v.pointer || ''} ${v.message}`);
  const more = violations.length > MAX_VIOLATIONS_IN_DETAIL ? ` (and ${violations.length - MAX_VIOLATIONS_IN_DETAIL} more)` : '';
  const first = violations[0]?.pointer ?? '';
  return new IngestException(IngestErrorCode.SchemaViolation, `${shown.join('; ')}${more}`, pointerPrefix + (first === '/' ? '' : first));
}

function checkTime(t: number, receivedAt: number, bounds: TimeBounds, pointer: string): void {
  if (t < bounds.minT) throw new IngestException(IngestErrorCode.TimestampOutOfRange, `${t} is before ${new Date(bounds.minT).toISOString()}`, pointer);
  if (t > receivedAt + bounds.maxFutureSkewMs) {
    throw new IngestException(IngestErrorCode.TimestampOutOfRange, `${t} is more than ${bounds.maxFutureSkewMs} ms after receive time ${receivedAt} (clock skew)`, pointer);
  }
}

/**
 * The known signals of a sample only: unknown fields are ignored (the contract lets fields grow), so they are not stored.
 * Spelled out field by field: it runs for every sample ingested, and a loop over names with computed keys cost several times more.
 */
function project(s: ActionSample): ActionSample {
  const out: ActionSample = { t: s.t, speed: s.speed };
  if (s.steering !== undefined) out.steering = s.steering;
  if (s.accel !== undefined) out.accel = s.accel;
  if (s.brake !== undefined) out.brake = s.brake;
  if (s.gas !== undefined) out.gas = s.gas;
  if (s.yawRate !== undefined) out.yawRate = s.yawRate;
  if (s.turnSignal !== undefined) out.turnSignal = s.turnSignal;
  if (s.lat !== undefined) out.lat = s.lat;
  if (s.lon !== undefined) out.lon = s.lon;
  return out;
}

/**
 * A fleet.actions.v1 value checked against its compiled schema, then for what a schema cannot say:
 * finite numbers, plausible times (not before bounds.minT, not beyond receive time + skew), and
 * strictly increasing `t` (a batch that repeats or reorders its own samples is a broken logger:
 * `non_monotonic_time`). Returns the batch with known signals only.
 */
export function validateActionBatch(value: unknown, receivedAt: number, bounds: TimeBounds, pointerPrefix = ''): FleetActionsV1 {
  const batch = checkContract(CONTRACTS.fleetActions, value, pointerPrefix);
  let previous = -Infinity;
  const samples = batch.samples.map((s, i) => {
    checkTime(s.t, receivedAt, bounds, `${pointerPrefix}/samples/${i}/t`);
    if (s.t <= previous) {
      throw new IngestException(IngestErrorCode.NonMonotonicTime, `sample ${i} has t=${s.t}, not after the previous sample's ${previous}`, `${pointerPrefix}/samples/${i}/t`);
    }
    previous = s.t;
    return project(s);
  });
  return { vehicleId: batch.vehicleId, driveId: batch.driveId, seq: batch.seq, samples };
}

/** A fleet.clips.v1 value: schema, finite numbers, plausible times, endT after startT. */
export function validateClip(value: unknown, receivedAt: number, bounds: TimeBounds, pointerPrefix = ''): FleetClipsV1 {
  const clip = checkContract(CONTRACTS.fleetClips, value, pointerPrefix);
  checkTime(clip.startT, receivedAt, bounds, `${pointerPrefix}/startT`);
  checkTime(clip.endT, receivedAt, bounds, `${pointerPrefix}/endT`);
  if (clip.endT <= clip.startT) throw new IngestException(IngestErrorCode.InvalidTimeRange, `endT ${clip.endT} is not after startT ${clip.startT}`, `${pointerPrefix}/endT`);
  const { vehicleId, driveId, clipId, camera, uri, startT, endT, fps, sha256 } = clip;
  return { vehicleId, driveId, clipId, camera, uri, startT, endT, fps, sha256 };
}

/**
 * Runs a validation on hostile input: an IngestException passes through; anything else a
 * validator throws (it should not) becomes `invalid_message`, so one message can never wedge a partition.
 */
export function guarded<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof IngestException) throw err;
    throw new IngestException(IngestErrorCode.InvalidMessage, `could not be checked: ${err instanceof Error ? err.message : String(err)}`);
  }
}
