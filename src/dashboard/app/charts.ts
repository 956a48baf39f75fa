import uPlot from 'uplot'
import cytoscape from 'cytoscape'
import dagre from 'cytoscape-dagre'
import type { Ctx, Evaluation } from './context.js'
import { h, short, table } from './dom.js'

cytoscape.use(dagre)

/**
 * The accuracy (and loss) curve across a subnet's finished rounds: a uPlot line chart with a
 * point per round whose model the node evaluated (model_evaluate), and the same figures as a
 * table underneath (data-points on the chart says how many points it drew).
 */
export async function accuracyChart(
  ctx: Ctx,
  subnet: string,
  finished: { round: number; version: string }[],
  highlight: number,
): Promise<HTMLElement> {
  const evaluations: (Evaluation | null)[] = await Promise.all(finished.map((f) => ctx.evaluate(subnet, f.version).catch(() => null)))
  const points = finished.map((f, i) => ({ ...f, e: evaluations[i] ?? null })).filter((p) => p.e !== null && p.e.accuracy !== null)
  const box = h('div', { class: 'chart', id: 'accuracy-chart', 'data-points': points.length })
  const reason = evaluations.find((e) => e !== null && e.dataset === null)?.reason
  if (points.length === 0) {
    box.append(h('p', { class: 'empty' }, reason === undefined ? 'no finished round yet' : `not evaluated: ${reason}`))
    return box
  }
  const xs = points.map((p) => p.round)
  const acc = points.map((p) => p.e!.accuracy!)
  const loss = points.map((p) => p.e!.loss!)
  const opts: uPlot.Options = {
    width: 720,
    height: 260,
    scales: { x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] }, acc: { range: [0, 1] }, loss: { auto: true } },
    axes: [
      { label: 'round', incrs: [1, 2, 5, 10, 20, 50, 100] },
      { scale: 'acc', label: 'test accuracy' },
      { scale: 'loss', side: 1, label: 'test loss', grid: { show: false } },
    ],
    series: [
      { label: 'round' },
      {
        label: 'accuracy',
        scale: 'acc',
        stroke: '#2563eb',
        width: 2,
        points: { show: true, size: 7 },
        value: (_u, v) => (v === null ? '—' : v.toFixed(4)),
      },
      {
        label: 'loss',
        scale: 'loss',
        stroke: '#dc2626',
        width: 1.5,
        dash: [6, 4],
        points: { show: true, size: 5 },
        value: (_u, v) => (v === null ? '—' : v.toFixed(4)),
      },
    ],
  }
  const plot = h('div', { class: 'uplot-host' })
  box.append(plot)
  new uPlot(opts, [xs, acc, loss], plot)
  box.append(
    h(
      'details',
      null,
      h('summary', null, `the ${points.length} points`),
      table(
        ['round', 'version', 'test accuracy', 'test loss'],
        points.map((p) => [
          p.round === highlight ? h('b', null, p.round) : p.round,
          p.version,
          p.e!.accuracy!.toFixed(4),
          p.e!.loss!.toFixed(4),
        ]),
        { id: 'accuracy-table' },
      ),
    ),
  )
  return box
}

/** The validators' revealed scores of a round as a heatmap: a row per validator, a column per trainer (the version's trainer order). */
export function heatmap(rows: { validator: string; status: string; scores: number[]; stake: string }[], trainers: string[]): HTMLElement {
  const all = rows.flatMap((r) => r.scores)
  if (rows.length === 0) return h('p', { class: 'empty', id: 'score-heatmap' }, 'no validator committed scores for this round')
  const min = Math.min(...all, 0)
  const max = Math.max(...all, 1)
  const colour = (v: number) => {
    const t = max === min ? 0.5 : (v - min) / (max - min)
    return `hsl(${Math.round(220 - 180 * t)} 70% ${Math.round(88 - 40 * t)}%)`
  }
  return h(
    'table',
    { class: 'heatmap', id: 'score-heatmap' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', null, 'validator \\ trainer'),
        trainers.map((t) => h('th', { title: t, class: 'mono' }, short(t, 10))),
        h('th', null, 'status'),
      ),
    ),
    h(
      'tbody',
      null,
      rows.map((r) =>
        h(
          'tr',
          null,
          h('th', { title: r.validator, class: 'mono' }, short(r.validator, 10)),
          trainers.map((_, i) => {
            const v = r.scores[i]
            return v === undefined
              ? h('td', { class: 'cell none' }, '—')
              : h('td', { class: 'cell', style: `background:${colour(v)}`, title: String(v) }, String(v))
          }),
          h('td', null, r.status),
        ),
      ),
    ),
  )
}

/** A version's ancestry as a DAG (cytoscape + dagre, parents above children); clicking a node opens the version. */
export function lineageGraph(
  dag: {
    nodes: { subnet: string; version: string; kind: string; round: string | null }[]
    edges: { child: { subnet: string; version: string }; parent: { subnet: string; version: string } }[]
  },
  datanetVersions: Map<string, { datanet: string; version: string }[]> = new Map(),
): HTMLElement {
  const box = h('div', { class: 'dag', id: 'lineage-dag', 'data-nodes': dag.nodes.length, 'data-edges': dag.edges.length })
  const id = (r: { subnet: string; version: string }) => `${r.subnet}/${r.version}`
  const datanets = new Map<string, { datanet: string; version: string }>()
  for (const list of datanetVersions.values()) for (const d of list) datanets.set(`datanet:${d.datanet}/${d.version}`, d)
  const elements: cytoscape.ElementDefinition[] = [
    ...dag.nodes.map((n) => ({
      data: {
        id: id(n),
        kind: 'version',
        label: `v${n.version}${n.subnet === dag.nodes[0]?.subnet ? '' : ` (subnet ${n.subnet})`}${n.round === null ? ' initial' : ` · r${n.round}`}`,
      },
    })),
    ...dag.edges.map((e) => ({ data: { id: `${id(e.parent)}->${id(e.child)}`, source: id(e.parent), target: id(e.child) } })),
    ...[...datanets].map(([key, d]) => ({ data: { id: key, kind: 'datanet', label: `Datanet ${d.datanet} v${d.version}` } })),
    ...[...datanetVersions].flatMap(([version, list]) =>
      list.map((d) => ({
        data: {
          id: `datanet:${d.datanet}/${d.version}->${version}`,
          source: `datanet:${d.datanet}/${d.version}`,
          target: version,
          kind: 'data',
        },
      })),
    ),
  ]
  // Laid out once the box is in the document (cytoscape measures its container).
  requestAnimationFrame(() => {
    const cy = cytoscape({
      container: box,
      elements,
      layout: { name: 'dagre', rankDir: 'LR', nodeSep: 20, rankSep: 50 } as cytoscape.LayoutOptions,
      style: [
        {
          selector: 'node',
          style: {
            label: 'data(label)',
            'background-color': '#2563eb',
            color: '#111',
            'font-size': 11,
            'text-valign': 'bottom',
            'text-margin-y': 4,
            width: 18,
            height: 18,
          },
        },
        {
          selector: 'edge',
          style: {
            width: 2,
            'line-color': '#94a3b8',
            'target-arrow-color': '#94a3b8',
            'target-arrow-shape': 'triangle',
            'curve-style': 'bezier',
          },
        },
        { selector: 'node[kind = "datanet"]', style: { shape: 'round-rectangle', 'background-color': '#16a34a' } },
        { selector: 'edge[kind = "data"]', style: { 'line-style': 'dashed', 'line-color': '#86efac', 'target-arrow-color': '#86efac' } },
      ],
      userZoomingEnabled: true,
      maxZoom: 1.4,
      minZoom: 0.1,
      autoungrabify: true,
    })
    cy.on('tap', 'node', (event) => {
      const key: string = event.target.id()
      location.hash = key.startsWith('datanet:') ? `#/datanet/${key.slice(8).split('/')[0]}` : `#/version/${key}`
    })
    box.dataset.rendered = String(cy.nodes().length)
  })
  return box
}
