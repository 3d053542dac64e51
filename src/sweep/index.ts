/** Sweeps: sweep files, cells keyed by content, the local pool, BullMQ producer and worker, report. */
export {
  readSweepSpec,
  validateSweepSpec,
  SweepSpecError,
  type SweepSpec,
  type ModelTarget,
} from "./spec.js";
export {
  CELL_VERSION,
  cellKey,
  checkOrganisms,
  describeCell,
  expandCells,
  type Cell,
  type KeyedCell,
} from "./cells.js";
export { checkCells, measureReport, runCell, type CellMeasures } from "./job.js";
export { pendingCells, runLocalSweep, type SweepOutcome } from "./pool.js";
export { queueSweep, connectionFromUrl, DEFAULT_QUEUE } from "./queue.js";
export { runQueueWorker, type QueueWorkerOptions } from "./queue-worker.js";
export { SweepStore, type CellResult, type AttemptEvent } from "./store.js";
export { summarise, aggregate, type SweepSummary } from "./summary.js";
export { renderSweepHtml, summaryMarkdown } from "./report-html.js";
export { runSweep, writeSweepReport, type SweepRunOptions } from "./run.js";
export { AWARENESS_QUEUE, type ProviderRecipe } from "./awareness-job.js";
export { awarenessQueueDispatch, type AwarenessQueueOptions } from "./awareness-queue.js";
export { judgeQueueDispatch, type JudgeQueueOptions } from "./awareness-judge-queue.js";
export { startAwarenessWorker, type AwarenessWorkerOptions } from "./awareness-worker.js";
export { parseJobKinds, QUEUE_JOB_KINDS, type QueueJobKind } from "./queue-worker.js";
