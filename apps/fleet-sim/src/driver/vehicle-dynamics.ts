import { clamp, wrapAngle } from '../core/geo';
import { type Road } from '../world/road';

/** Vehicle constants (a mid-size car). */
export const WHEELBASE = 2.7;
export const STEERING_RATIO = 15;
export const MAX_WHEEL_ANGLE = 0.6;
/** Steering rate at the road wheels, rad/s (≈ 430°/s at the steering wheel). */
export const MAX_WHEEL_RATE = 0.5;
/** The actuators' jerk bound, m/s³: acceleration never changes faster. */
export const MAX_JERK = 10;
export const MAX_DECEL = 8.5;

/** The ego vehicle in road coordinates: arc length, lateral offset, heading relative to the road. */
export interface VehicleState {
  s: number;
  d: number;
  /** Heading relative to the road's tangent, rad, positive left. */
  psi: number;
  /** Speed over ground, m/s, ≥ 0 (the vehicle never reverses). */
  v: number;
  /** Longitudinal acceleration, m/s². */
  a: number;
  /** Road-wheel angle, rad, positive left. */
  delta: number;
  yawRate: number;
}

/** Which way along the road the vehicle is pointing. */
export function travelDir(state: VehicleState): 1 | -1 {
  return Math.cos(state.psi) >= 0 ? 1 : -1;
}

/**
 * Kinematic bicycle model in road (Frenet) coordinates, integrated at the sample rate, behind
 * actuators with a jerk limit and a steering-rate limit: whatever the driver asks for, the
 * emitted motion is continuous and physically consistent (speed is the integral of accel,
 * yaw rate = v·tan(δ)/L, position the integral of speed).
 */
export function stepVehicle(state: VehicleState, road: Road, dt: number, accelCmd: number, wheelCmd: number): void {
  // A stop is rounded off: never ask for more deceleration than can be ramped to zero before standstill.
  const stopBound = -Math.sqrt(2 * MAX_JERK * 0.8 * Math.max(state.v, 0));
  const cmd = clamp(Math.max(accelCmd, stopBound), -MAX_DECEL, 4);
  const jerkStep = MAX_JERK * dt;
  let a = state.a + clamp(cmd - state.a, -jerkStep, jerkStep);
  let v = state.v + a * dt;
  if (v < 0) {
    v = 0;
    a = -state.v / dt;
  }
  const delta = state.delta + clamp(clamp(wheelCmd, -MAX_WHEEL_ANGLE, MAX_WHEEL_ANGLE) - state.delta, -MAX_WHEEL_RATE * dt, MAX_WHEEL_RATE * dt);
  const vMid = (state.v + v) / 2;
  const k = road.curvature(state.s);
  const sDot = (vMid * Math.cos(state.psi)) / Math.max(0.2, 1 - k * state.d);
  const yawRate = (vMid * Math.tan(delta)) / WHEELBASE;
  state.s += sDot * dt;
  state.d += vMid * Math.sin(state.psi) * dt;
  state.psi = wrapAngle(state.psi + (yawRate - k * sDot) * dt);
  state.v = v;
  state.a = a;
  state.delta = delta;
  state.yawRate = yawRate;
}

/** Pedal positions for an acceleration (rolling resistance and drag taken into account). */
export function pedals(a: number, v: number): { gas: number; brake: number } {
  const resist = 0.15 + 0.0004 * v * v;
  const net = a + resist;
  if (v < 0.05 && a <= 0) return { gas: 0, brake: 0.3 };
  if (net >= 0) return { gas: clamp(net / 3.5, 0, 1), brake: 0 };
  return { gas: 0, brake: clamp(-net / 9, 0, 1) };
}
