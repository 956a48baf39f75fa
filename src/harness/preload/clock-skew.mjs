// Loaded with `node --import` into a real `fedra start` process by the fault harness
// (src/harness/run.ts): the node's wall clock runs FEDRA_HARNESS_CLOCK_SKEW_MS ahead (or behind,
// negative) of the machine's. Date.now is what the node's clock reads (src/node/node.ts realClock);
// the node's code is untouched. Test-only.
const skew = Number(process.env.FEDRA_HARNESS_CLOCK_SKEW_MS ?? '0')
if (Number.isFinite(skew) && skew !== 0) {
  const now = Date.now.bind(Date)
  Date.now = () => now() + skew
}
