/** Small DOM helpers for the dashboard (no framework: the page is a few tables and charts). */
type Child = Node | string | number | bigint | null | undefined | false
type Attrs = Record<string, string | number | boolean | ((event: Event) => void) | undefined>

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === false) continue
    if (typeof value === 'function') el.addEventListener(key.replace(/^on/, ''), value)
    else if (value === true) el.setAttribute(key, '')
    else el.setAttribute(key, String(value))
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue
    el.append(child instanceof Node ? child : String(child))
  }
  return el
}

/** A table: a header row and body rows (each cell a node or text). */
export function table(headers: string[], rows: Child[][], attrs: Attrs = {}): HTMLTableElement {
  return h(
    'table',
    attrs,
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        headers.map((x) => h('th', null, x)),
      ),
    ),
    h(
      'tbody',
      null,
      rows.length === 0
        ? [h('tr', null, h('td', { colspan: headers.length, class: 'empty' }, 'none'))]
        : rows.map((r) =>
            h(
              'tr',
              null,
              r.map((c) => h('td', null, c)),
            ),
          ),
    ),
  )
}

export const link = (href: string, text: Child, attrs: Attrs = {}) => h('a', { href, ...attrs }, text)
export const short = (text: string, n = 10) => (text.length > n + 4 ? `${text.slice(0, n)}…${text.slice(-4)}` : text)
export const addr = (a: string | null | undefined) =>
  a === null || a === undefined ? '—' : link(`#/account/${a}`, short(a, 12), { title: a, class: 'mono' })
export const mono = (text: string, n = 12) => h('span', { class: 'mono', title: text }, short(text, n))

/** ufdr as FDR with up to 6 decimals (1 FDR = 10^6 ufdr), exact (bigint). */
export function fdr(ufdr: string | bigint, denom = 'ufdr'): string {
  if (denom !== 'ufdr') return `${ufdr} ${denom}`
  const v = BigInt(ufdr)
  const sign = v < 0n ? '-' : ''
  const a = v < 0n ? -v : v
  const frac = (a % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '')
  return `${sign}${(a / 1_000_000n).toLocaleString('en-US')}${frac === '' ? '' : `.${frac}`} FDR`
}

export const ago = (ms: number | null) => (ms === null ? '—' : `${Math.max(0, Math.round((Date.now() - ms) / 1000))} s ago`)
export const pct = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)} %`)
export const dec = (text: string, digits = 4) => Number(text).toFixed(digits)

export function section(title: string, ...children: (Child | Child[])[]): HTMLElement {
  return h('section', null, h('h2', null, title), ...children)
}

export function kv(pairs: [string, Child][], attrs: Attrs = {}): HTMLElement {
  return h(
    'dl',
    { class: 'kv', ...attrs },
    pairs.flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
  )
}

export const badge = (text: string, kind = '') => h('span', { class: `badge ${kind}` }, text)
