/**
 * float32 represents every integer with |x| ≤ 2^24 exactly, and gpu.js index arithmetic is
 * float32 too, so 2^24 bounds both the elements of one kernel argument and every partial sum a
 * kernel may accumulate. Tilings are derived from these two numbers and a rule's ranges.
 */
export const MAX_EXACT_FLOAT32 = 2 ** 24
/** Largest magnitude a kernel partial sum may reach (strictly inside the exact range). */
export const MAX_PARTIAL_SUM = MAX_EXACT_FLOAT32 - 1
/** Most elements one kernel argument or output may hold. */
export const MAX_ARGUMENT_ELEMENTS = MAX_EXACT_FLOAT32
/** Loop bound compiled into kernels that iterate over updates (gpu.js needs a static bound). */
export const MAX_KERNEL_LOOP = 4096
