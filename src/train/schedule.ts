/** Learning-rate schedule: linear warm-up, then cosine decay to `minRatio` of the peak. */

export interface ScheduleOptions {
  peak: number;
  warmupSteps: number;
  totalSteps: number;
  /** Final learning rate as a fraction of the peak (default 0.1). */
  minRatio?: number;
}

/** Learning rate for step `step` (0-based). */
export function learningRate(step: number, o: ScheduleOptions): number {
  const minRatio = o.minRatio ?? 0.1;
  if (o.warmupSteps > 0 && step < o.warmupSteps) return (o.peak * (step + 1)) / o.warmupSteps;
  const span = Math.max(1, o.totalSteps - o.warmupSteps);
  const progress = Math.min(1, (step - o.warmupSteps) / span);
  const cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
  return o.peak * (minRatio + (1 - minRatio) * cosine);
}
