// Loaded with `node --import` into a real `fedra start` process by fatal-commit.test.ts: after
// FEDRA_FAULT_BATCH_WRITES successful level batch writes, every later one fails, as a full or
// failing disk would make it. Test-only fault injection; the node's code is untouched.
import { ClassicLevel } from 'classic-level'

const allowed = Number(process.env.FEDRA_FAULT_BATCH_WRITES)
let writes = 0
const refuse = () => Promise.reject(Object.assign(new Error('injected disk failure: level batch write refused'), { code: 'EIO' }))
const batch = ClassicLevel.prototype.batch

ClassicLevel.prototype.batch = function (...args) {
  if (args.length > 0) return ++writes > allowed ? refuse() : batch.apply(this, args)
  const chained = batch.apply(this, args)
  const write = chained.write
  chained.write = function (...options) {
    return ++writes > allowed ? refuse() : write.apply(this, options)
  }
  return chained
}
