/**
 * Fedra's federated-learning library: no chain knowledge. The chain uses the update and
 * aggregation parts (consensus-critical, integer-only); trainers and scorers use the model,
 * data and training parts (floats allowed: not consensus).
 */
export { FlError, type FlErrorCode, type FlErrorContexts } from './errors.js'
export { SeededRandom, permutation } from './random.js'
export { floorDiv, roundDiv, roundDivBig } from './int-math.js'

// updates: quantization, wire format, validation
export {
  type QuantizationConfig,
  DEFAULT_QUANTIZATION,
  checkQuantizationConfig,
  computeDelta,
  clipL2,
  l2Norm,
  quantize,
  dequantize,
  applyAggregate,
} from './update/quantize.js'
export {
  type QuantizedUpdate,
  type UpdateDtype,
  encodeUpdateBlob,
  decodeUpdateBlob,
  updateBlobCid,
  elementCount,
  MAX_BLOB_ELEMENTS,
  BLOB_VERSION,
} from './update/blob.js'
export { type UpdateExpectations, validateUpdateBlob } from './update/validate.js'

// aggregation rules and their kernels
export type { AggregationRule, AggregationInput, AggregationResult, DeclaredRanges } from './rules/types.js'
export { getAggregationRule, RULE_NAMES } from './rules/registry.js'
export { REPUTATION_UNIT } from './rules/repfedavg.js'
export {
  KernelBackend,
  selectKernelBackend,
  availableKernelModes,
  isWebGpuAvailable,
  type KernelMode,
  KERNEL_MODES,
} from './kernels/backend.js'

// models, data, training
export {
  type ModelSpec,
  type LayerSpec,
  type ParameterLayout,
  mlpSpec,
  smallCnnSpec,
  parameterLayout,
  parseModelSpec,
} from './model/spec.js'
export { initialParameters } from './model/init.js'
export { Network } from './model/network.js'
export { ensureTfBackend } from './model/tf.js'
export { type Dataset, subset, labelHistogram, checkDataset } from './data/dataset.js'
export { loadMnist, loadMnistAll, MNIST_SPLIT_SEED } from './data/mnist.js'
export { type PartitionSpec, partition, parsePartitionSpec } from './data/partition.js'
export { type CsvOptions, parseCsvDataset } from './data/csv.js'
export { type TrainingConfig, type TrainingResult, DEFAULT_TRAINING, trainLocal } from './train/local-training.js'
export {
  type LearningRateSchedule,
  CONSTANT_LEARNING_RATE,
  scheduledLearningRate,
  parseLearningRateSchedule,
  formatLearningRateSchedule,
} from './train/lr-schedule.js'
export { type Evaluation, evaluate } from './train/evaluate.js'
export {
  type TrainingJob,
  type TrainingJobOptions,
  type TrainingWorkerOptions,
  TrainingWorker,
  trainInWorker,
} from './train/training-worker.js'
export { type TrainingWorkerErrorCode, TrainingWorkerError } from './train/training-worker-errors.js'
export { CryptoNormal, type DpConfig, type NormalSource, privatizeUpdate, dpEpsilon } from './train/privacy.js'

// simulation
export { type AttackSpec, parseAttackSpec, attackUpdate } from './sim/attacks.js'
export { type SimulationConfig, type SimulationResult, type RoundReport, runSimulation, runCentralised } from './sim/simulation.js'
