import { type ActionSample } from '@surprisal/contracts';

/**
 * A calm drive at 20 Hz (gentle curves at ~12 m/s) with, optionally, a swerve and a hard brake at
 * `eventT`: the kind of moment the scorer must find.
 */
export function syntheticDrive(startT: number, seconds: number, eventT?: number): ActionSample[] {
  const samples: ActionSample[] = [];
  let speed = 12;
  for (let i = 0; i <= seconds * 20; i++) {
    const t = startT + i * 50;
    const s = (t - startT) / 1000;
    let steering = 8 * Math.sin(s / 3);
    let accel = 0.2 * Math.cos(s / 4);
    let brake = 0;
    if (eventT !== undefined && t >= eventT && t < eventT + 2000) {
      const u = (t - eventT) / 1000;
      steering = u < 0.6 ? 60 * Math.sin((u / 0.6) * Math.PI) : -45 * Math.sin(((u - 0.6) / 0.8) * Math.PI) * (u < 1.4 ? 1 : 0);
      accel = u < 1.2 ? -7 : 0;
      brake = u < 1.2 ? 0.9 : 0;
    }
    speed = Math.max(0, speed + accel * 0.05);
    const yawRate = (speed * Math.tan((steering / 15) * (Math.PI / 180))) / 2.8;
    samples.push({ t, speed, steering, accel, yawRate, brake, gas: brake > 0 ? 0 : 0.2 });
  }
  return samples;
}
