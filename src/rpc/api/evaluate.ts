/**
 * model_evaluate: the node's own evaluation of a model version on the MNIST test digits, for
 * the dashboard's accuracy and loss curve. Not chain state and not consensus: a read-only figure
 * the serving node computes (src/node/model-evaluate.ts), the same the devnet prints per round.
 * Browser-safe (schemas only), so src/dashboard can type its calls.
 */
import { defineMethod } from '../method.js'
import { s } from '../schema.js'

export const MODEL_EVALUATE_API = {
  model_evaluate: defineMethod({
    name: 'model_evaluate',
    summary: "A model version's accuracy and loss on the MNIST test digits, evaluated by this node (not chain state).",
    description:
      'The global model blob of the version is read from the parameter store and evaluated on the 2000 MNIST test digits (src/fl/data/mnist.ts), as the devnet reports each round; answers are cached per model CID and one evaluation runs at a time. A subnet whose model does not take 784 inputs to 10 classes gets `dataset: null` and the reason. QUERY_FAILED { codespace: training, code: UNKNOWN_VERSION } for no such version.',
    params: { subnet: s.decimal('subnet id'), version: s.decimal('version number') },
    result: s.object({
      subnet: s.decimal(),
      version: s.decimal(),
      global_cid: s.string(),
      dataset: s.nullable(s.literal('mnist:test')),
      count: s.integer({ min: 0, description: 'test digits evaluated (0 when not evaluated)' }),
      accuracy: s.nullable(s.number('fraction of the test digits classified right')),
      loss: s.nullable(s.number('mean softmax cross-entropy')),
      reason: s.string({ description: "why it was not evaluated ('' when it was)" }),
    }),
    errors: ['QUERY_FAILED', 'NOT_FOUND'],
  }),
}
