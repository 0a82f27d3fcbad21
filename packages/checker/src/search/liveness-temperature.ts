// Temperature-style liveness for random runs (as in P): a spec monitor that
// stays hot for more than `threshold` consecutive steps is reported as a
// potential liveness violation. A random run is not a proof that it stays hot
// forever (checkLiveness proves that on the full graph), but on a run that
// schedules every enabled step with positive probability, a long hot stretch
// is a strong hint.
import type { Failure } from "../model.js";

export class TemperatureGauge {
  private readonly heat = new Map<string, number>();

  constructor(private readonly threshold: number) {}

  /**
   * Records one more state; returns the potential liveness failure when a
   * monitor hot in it has now been hot for more than the threshold (`prefer`'s,
   * when several are).
   */
  observe(hot: readonly string[], prefer?: string): Failure | null {
    const heat = this.heat;
    if (hot.length === 0) {
      if (heat.size > 0) heat.clear();
      return null;
    }
    for (const name of heat.keys()) if (!hot.includes(name)) heat.delete(name);
    let over: string | null = null;
    for (const name of hot) {
      const steps = (heat.get(name) ?? 0) + 1;
      heat.set(name, steps);
      if (steps > this.threshold && (over === null || name === prefer)) over = name;
    }
    return over === null ? null : temperatureFailure(over, this.threshold);
  }

  reset(): void {
    this.heat.clear();
  }
}

export function temperatureFailure(monitor: string, threshold: number): Failure {
  return {
    kind: "liveness",
    property: monitor,
    message:
      `spec ${monitor} stayed hot for more than ${threshold} steps in a row ` +
      "(potential liveness violation: a longer run might still cool it)",
  };
}
