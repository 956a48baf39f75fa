/** A binary heap: `pop` returns the item that comes `before` every other one. */
export class BinaryHeap<T> {
  readonly #items: T[]
  readonly #before: (a: T, b: T) => boolean

  constructor(before: (a: T, b: T) => boolean, items: Iterable<T> = []) {
    this.#before = before
    this.#items = [...items]
    for (let i = (this.#items.length >> 1) - 1; i >= 0; i--) this.#down(i)
  }

  get size(): number {
    return this.#items.length
  }

  peek(): T | undefined {
    return this.#items[0]
  }

  push(item: T): void {
    this.#items.push(item)
    this.#up(this.#items.length - 1)
  }

  pop(): T | undefined {
    const items = this.#items
    const top = items[0]
    const last = items.pop()
    if (items.length > 0 && last !== undefined) {
      items[0] = last
      this.#down(0)
    }
    return top
  }

  #up(index: number): void {
    const items = this.#items
    const item = items[index]!
    while (index > 0) {
      const parent = (index - 1) >> 1
      if (!this.#before(item, items[parent]!)) break
      items[index] = items[parent]!
      index = parent
    }
    items[index] = item
  }

  #down(index: number): void {
    const items = this.#items
    const item = items[index]!
    const length = items.length
    for (;;) {
      const left = 2 * index + 1
      if (left >= length) break
      const right = left + 1
      const child = right < length && this.#before(items[right]!, items[left]!) ? right : left
      if (!this.#before(items[child]!, item)) break
      items[index] = items[child]!
      index = child
    }
    items[index] = item
  }
}
