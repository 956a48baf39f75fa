/** A min-heap of events by (time, insertion order): equal times run in the order scheduled. */
export interface SimEvent {
  time: number
  seq: number
  run: () => void
  cancelled: boolean
}

export class EventQueue {
  #heap: SimEvent[] = []
  #seq = 0

  get size(): number {
    return this.#heap.length
  }

  push(time: number, run: () => void): SimEvent {
    const event: SimEvent = { time, seq: this.#seq++, run, cancelled: false }
    const heap = this.#heap
    heap.push(event)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(heap[i]!, heap[parent]!)) break
      ;[heap[i], heap[parent]] = [heap[parent]!, heap[i]!]
      i = parent
    }
    return event
  }

  pop(): SimEvent | undefined {
    const heap = this.#heap
    const top = heap[0]
    if (top === undefined) return undefined
    const last = heap.pop()!
    if (heap.length > 0) {
      heap[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r
        if (m === i) break
        ;[heap[i], heap[m]] = [heap[m]!, heap[i]!]
        i = m
      }
    }
    return top
  }
}

const before = (a: SimEvent, b: SimEvent): boolean => a.time < b.time || (a.time === b.time && a.seq < b.seq)
