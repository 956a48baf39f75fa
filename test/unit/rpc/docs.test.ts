import assert from 'node:assert/strict'
import { docsUpToDate, renderRpcDocs } from '../../../scripts/gen-rpc-docs.js'
import { FEDRA_API, documentationTable, openRpcDocument, RPC_INFO } from '../../../src/rpc/index.js'

describe('generated RPC documentation', () => {
  it('docs/rpc.md and docs/openrpc.json match the method table (regenerate with scripts/gen-rpc-docs.ts)', () => {
    assert.ok(docsUpToDate(), 'run: node --import tsx scripts/gen-rpc-docs.ts')
  })

  it('the OpenRPC document lists every method, and every $ref in it resolves', () => {
    const doc = openRpcDocument(documentationTable(), RPC_INFO) as {
      methods: { name: string; params: { name: string }[] }[]
      components: { schemas: Record<string, unknown>; errors: Record<string, unknown> }
    }
    assert.deepEqual(doc.methods.map((m) => m.name).sort(), Object.keys(FEDRA_API).sort())
    for (const method of doc.methods)
      assert.deepEqual(
        method.params.map((p) => p.name),
        Object.keys(FEDRA_API[method.name as keyof typeof FEDRA_API].params),
      )
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/(schemas|errors)\/([^"]+)"/g)]
    assert.ok(refs.length > 20)
    for (const [, kind, name] of refs) assert.ok(Object.hasOwn(doc.components[kind as 'schemas' | 'errors'], name!), `${kind}/${name}`)
  })

  it('documents each method in the markdown', () => {
    const { markdown } = renderRpcDocs()
    for (const name of Object.keys(FEDRA_API)) assert.ok(markdown.includes(`#### ${name}\n`), name)
  })
})
