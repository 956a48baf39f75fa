import assert from 'node:assert/strict'
import { formatLearningRateSchedule, parseLearningRateSchedule, scheduledLearningRate } from '../../../src/fl/train/lr-schedule.js'

const code =
  (expected: string) =>
  (error: unknown): boolean =>
    (error as { code?: string }).code === expected

describe('learning-rate schedule across rounds', () => {
  it('keeps the base rate every round when constant', () => {
    const constant = parseLearningRateSchedule('constant')
    for (const round of [1, 7, 20]) assert.equal(scheduledLearningRate(constant, 0.1, round, 20), 0.1)
  })

  it('anneals by a half cosine from the base rate in round 1 towards base·floor', () => {
    const cosine = parseLearningRateSchedule('cosine')
    assert.equal(scheduledLearningRate(cosine, 0.1, 1, 20), 0.1)
    assert.ok(Math.abs(scheduledLearningRate(cosine, 0.1, 11, 20) - 0.05) < 1e-12, 'half the base rate half-way')
    assert.ok(scheduledLearningRate(cosine, 0.1, 20, 20) > 0, 'the last round still trains')
    const floored = parseLearningRateSchedule('cosine:0.1')
    assert.ok(scheduledLearningRate(floored, 0.1, 20, 20) > 0.01)
    for (let r = 2; r <= 20; r++) assert.ok(scheduledLearningRate(cosine, 0.1, r, 20) < scheduledLearningRate(cosine, 0.1, r - 1, 20))
  })

  it('steps down by the factor every EVERY rounds', () => {
    const step = parseLearningRateSchedule('step:5:0.5')
    assert.deepEqual(
      [1, 5, 6, 10, 11].map((r) => scheduledLearningRate(step, 0.1, r, 20)),
      [0.1, 0.1, 0.05, 0.05, 0.025],
    )
  })

  it('round-trips its text form and refuses malformed schedules with FL_INVALID_TRAINING_CONFIG', () => {
    for (const text of ['constant', 'cosine', 'cosine:0.1', 'step:5:0.5'])
      assert.equal(formatLearningRateSchedule(parseLearningRateSchedule(text)), text)
    for (const text of [
      '',
      'linear',
      'cosine:',
      'cosine:2',
      'cosine:-0.1',
      'step',
      'step:0:0.5',
      'step:5:0',
      'step:5:1.5',
      'step:5:',
      'constant:1',
    ])
      assert.throws(() => parseLearningRateSchedule(text), code('FL_INVALID_TRAINING_CONFIG'), text)
  })
})
