import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  ConsensusError,
  FileSignerState,
  FileWal,
  MemorySignerState,
  MemoryWal,
  SignerGuard,
  type WalEntry,
} from '../../../src/consensus/index.js'
import { block, signedVote, signers } from './fixtures.js'

const V = 'aa'.repeat(32)
const W = 'bb'.repeat(32)
const isCode = (code: string) => (e: unknown) => e instanceof ConsensusError && e.code === code

describe('WAL and signer guard', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fedra-wal-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('reads back every kind of entry after reopening the file', () => {
    const path = join(dir, 'wal')
    const wal = new FileWal(path)
    wal.startHeight(1)
    const b = block()
    const entries: WalEntry[] = [
      {
        kind: 'input',
        input: {
          kind: 'proposal',
          proposal: { height: 1, round: 0, valueId: V, polRound: -1, proposer: signers[0]!.address, signature: new Uint8Array(64) },
          block: b,
          timely: true,
        },
      },
      { kind: 'input', input: { kind: 'vote', vote: signedVote(1, { type: 'prevote', height: 1, round: 0, valueId: V }) } },
      { kind: 'input', input: { kind: 'timeout', timeout: { step: 'precommit', height: 1, round: 3 } } },
      { kind: 'input', input: { kind: 'blockValidity', height: 1, valueId: V, valid: false } },
      { kind: 'input', input: { kind: 'proposeValue', round: 2, block: b } },
      { kind: 'signedVote', vote: signedVote(0, { type: 'precommit', height: 1, round: 0, valueId: null }) },
      {
        kind: 'signedProposal',
        proposal: { height: 1, round: 1, valueId: W, polRound: 0, proposer: signers[0]!.address, signature: new Uint8Array(64) },
      },
    ]
    for (const e of entries) wal.append(e, false)
    wal.close()
    assert.deepEqual(new FileWal(path).entries(), [{ kind: 'height', height: 1 }, ...entries])
  })

  it('keeps only the current height after startHeight', () => {
    const wal = new FileWal(join(dir, 'wal'))
    wal.startHeight(1)
    wal.append({ kind: 'input', input: { kind: 'timeout', timeout: { step: 'propose', height: 1, round: 0 } } }, true)
    wal.startHeight(2)
    wal.close()
    assert.deepEqual(new FileWal(join(dir, 'wal')).entries(), [{ kind: 'height', height: 2 }])
  })

  it('cuts off a torn last record and refuses corruption in the middle', () => {
    const path = join(dir, 'wal')
    const wal = new FileWal(path)
    wal.startHeight(5)
    wal.append({ kind: 'input', input: { kind: 'timeout', timeout: { step: 'propose', height: 5, round: 0 } } }, true)
    wal.close()
    const good = readFileSync(path)
    appendFileSync(path, Buffer.from([0, 0, 0, 50, 1, 2, 3])) // a header promising 50 bytes, then a crash
    assert.equal(new FileWal(path).entries().length, 2)
    assert.equal(readFileSync(path).length, good.length, 'the torn tail is truncated away')
    const corrupt = Buffer.from(good)
    corrupt[10] = corrupt[10]! ^ 0xff // inside the first record, which is followed by another
    writeFileSync(path, corrupt)
    assert.throws(() => new FileWal(path), isCode('WAL_CORRUPT'))
  })

  it('refuses to sign a different vote for the same height, round and step', () => {
    const wal = new MemoryWal()
    wal.startHeight(1)
    const guard = new SignerGuard(signers[0]!, wal, [], 1, new MemorySignerState())
    const self = signers[0]!.address
    const first = guard.signVote({ type: 'prevote', height: 1, round: 0, valueId: V, validator: self })
    assert.deepEqual(guard.signVote({ type: 'prevote', height: 1, round: 0, valueId: V, validator: self }).signature, first.signature)
    assert.throws(
      () => guard.signVote({ type: 'prevote', height: 1, round: 0, valueId: W, validator: self }),
      isCode('DOUBLE_SIGN_REFUSED'),
    )
    guard.signVote({ type: 'precommit', height: 1, round: 1, valueId: null, validator: self })
    assert.throws(() => guard.signVote({ type: 'prevote', height: 1, round: 1, valueId: null, validator: self }), isCode('SIGN_REGRESSION'))
    assert.throws(() => guard.signVote({ type: 'prevote', height: 0, round: 5, valueId: null, validator: self }), isCode('SIGN_REGRESSION'))
  })

  it('writes the signed vote to the WAL before returning it', () => {
    const wal = new MemoryWal()
    wal.startHeight(1)
    const guard = new SignerGuard(signers[0]!, wal, [], 1, new MemorySignerState())
    guard.signVote({ type: 'prevote', height: 1, round: 0, valueId: V, validator: signers[0]!.address })
    wal.crash() // a power cut right after signing keeps the vote: it was synced
    assert.equal(wal.entries().filter((e) => e.kind === 'signedVote').length, 1)
  })

  it('after kill -9, the restarted guard re-sends the same vote and refuses a conflicting one', async function () {
    this.timeout(20000)
    const path = join(dir, 'wal')
    const writer = new URL('./fixtures/wal-writer.ts', import.meta.url).pathname
    const statePath = join(dir, 'priv_validator_state.json')
    const child = spawn(process.execPath, ['--import', 'tsx', writer, path, statePath, V], { stdio: ['ignore', 'pipe', 'inherit'] })
    const signature = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        const match = /signed ([0-9a-f]+)\n/.exec(out)
        if (match !== null) resolve(match[1]!)
      })
      child.on('exit', (code) => reject(new Error(`writer exited early with ${code}`)))
    })
    child.kill('SIGKILL')
    await new Promise((resolve) => child.once('exit', resolve))

    const wal = new FileWal(path)
    const entries = wal.entries()
    assert.deepEqual(
      entries.map((e) => e.kind),
      ['height', 'input', 'signedVote'],
    )
    const guard = new SignerGuard(signers[0]!, wal, entries, 1, new FileSignerState(statePath))
    const self = signers[0]!.address
    const again = guard.signVote({ type: 'prevote', height: 1, round: 0, valueId: V, validator: self })
    assert.equal(Buffer.from(again.signature).toString('hex'), signature)
    assert.throws(
      () => guard.signVote({ type: 'prevote', height: 1, round: 0, valueId: null, validator: self }),
      isCode('DOUBLE_SIGN_REFUSED'),
    )
    wal.close()
    // The WAL lost too: the state file alone still refuses the conflicting vote.
    const bare = new SignerGuard(signers[0]!, new MemoryWal(), [], 1, new FileSignerState(statePath))
    assert.throws(
      () => bare.signVote({ type: 'prevote', height: 1, round: 0, valueId: null, validator: self }),
      isCode('DOUBLE_SIGN_REFUSED'),
    )
  })
})
