/**
 * libp2p 3 (its stream, yamux and queue code) calls `Promise.withResolvers`, which V8 only
 * ships from Node 22; Fedra supports Node >= 20.19. Import this module before anything that
 * imports libp2p. It is a no-op where the runtime already has the method.
 */

if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function withResolvers<T>(this: PromiseConstructor | undefined): PromiseWithResolvers<T> {
      let resolve!: PromiseWithResolvers<T>['resolve']
      let reject!: PromiseWithResolvers<T>['reject']
      // Like the built-in, construct through `this` so subclasses work; detached calls get Promise.
      const Ctor = typeof this === 'function' ? this : Promise
      const promise = new Ctor<T>((res, rej) => {
        resolve = res
        reject = rej
      })
      return { promise, resolve, reject }
    },
  })
}

export {}
