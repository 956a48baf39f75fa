import { closeSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync, existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { crc32 } from 'node:zlib'
import { decode, encode } from '../codec/index.js'
import { type Block, type Commit, fromBlockWire, fromCommitWire, toBlockWire, toCommitWire } from './block.js'
import { crashPoint } from '../test-switch.js'
import { ConsensusError } from './errors.js'
import { fromProposalWire, fromVoteWire, toProposalWire, toVoteWire } from './messages.js'
import {
  MAX_BLOCK_BYTES,
  WalCommitWire,
  WalEntryWire,
  WalHeightWire,
  WalProposalWire,
  WalProposeValueWire,
  WalSignedProposalWire,
  WalSignedVoteWire,
  WalTimeoutWire,
  WalValidityWire,
  WalVoteWire,
} from './schemas.js'
import { fromHex, toHex } from '../crypto/index.js'
import type { Height, Proposal, Round, Timeout, TimeoutStep, ValueId, Vote } from './types.js'

/** A core input as recorded, with the blocks the driver needs to rebuild its block cache. */
export type WalInput =
  | { kind: 'proposal'; proposal: Proposal; block: Block; timely: boolean }
  | { kind: 'vote'; vote: Vote }
  | { kind: 'timeout'; timeout: Timeout }
  | { kind: 'blockValidity'; height: Height; valueId: ValueId; valid: boolean }
  | { kind: 'proposeValue'; round: Round; block: Block }
  | { kind: 'commitCertificate'; block: Block; commit: Commit }

/**
 * The write-ahead log of the current height: a height marker, then every input the core
 * consumed (in order) and every message this node signed. Replaying the inputs through the
 * pure core rebuilds its state (locks included); the signed messages restore the signer guard.
 */
export type WalEntry =
  | { kind: 'height'; height: Height }
  | { kind: 'input'; input: WalInput }
  | { kind: 'signedVote'; vote: Vote }
  | { kind: 'signedProposal'; proposal: Proposal }

export interface Wal {
  /** Appends an entry; with `sync`, returns only once it and every earlier entry are durable. */
  append(entry: WalEntry, sync: boolean): void
  /** Starts height `height`: forgets earlier entries and durably writes the marker. */
  startHeight(height: Height): void
  /** The entries recorded since the last marker, marker first (empty for a fresh WAL). */
  entries(): WalEntry[]
  close(): void
}

const TIMEOUT_STEPS: TimeoutStep[] = ['propose', 'prevote', 'precommit']

export function encodeWalEntry(entry: WalEntry): Uint8Array {
  switch (entry.kind) {
    case 'height':
      return encode(WalHeightWire, { height: BigInt(entry.height) })
    case 'signedVote':
      return encode(WalSignedVoteWire, { vote: toVoteWire(entry.vote) })
    case 'signedProposal':
      return encode(WalSignedProposalWire, { proposal: toProposalWire(entry.proposal) })
    case 'input':
      break
  }
  const input = entry.input
  switch (input.kind) {
    case 'proposal':
      return encode(WalProposalWire, { proposal: toProposalWire(input.proposal), block: toBlockWire(input.block), timely: input.timely })
    case 'vote':
      return encode(WalVoteWire, { vote: toVoteWire(input.vote) })
    case 'timeout':
      return encode(WalTimeoutWire, {
        step: TIMEOUT_STEPS.indexOf(input.timeout.step),
        height: BigInt(input.timeout.height),
        round: input.timeout.round,
      })
    case 'blockValidity':
      return encode(WalValidityWire, { height: BigInt(input.height), blockId: fromHex(input.valueId), valid: input.valid })
    case 'proposeValue':
      return encode(WalProposeValueWire, { round: input.round, block: toBlockWire(input.block) })
    case 'commitCertificate':
      return encode(WalCommitWire, { block: toBlockWire(input.block), commit: toCommitWire(input.commit) })
  }
}

export function decodeWalEntry(bytes: Uint8Array): WalEntry {
  const { type, value } = decode(WalEntryWire, bytes, { maxBytes: MAX_BLOCK_BYTES * 2 })
  const v = value as Record<string, any>
  switch (type) {
    case 'WalHeight':
      return { kind: 'height', height: Number(v.height) }
    case 'WalSignedVote':
      return { kind: 'signedVote', vote: fromVoteWire(v.vote) }
    case 'WalSignedProposal':
      return { kind: 'signedProposal', proposal: fromProposalWire(v.proposal) }
    case 'WalProposal':
      return {
        kind: 'input',
        input: { kind: 'proposal', proposal: fromProposalWire(v.proposal), block: fromBlockWire(v.block), timely: v.timely },
      }
    case 'WalVote':
      return { kind: 'input', input: { kind: 'vote', vote: fromVoteWire(v.vote) } }
    case 'WalTimeout': {
      const step = TIMEOUT_STEPS[v.step as number]
      if (step === undefined) throw new ConsensusError('WAL_CORRUPT', `unknown timeout step ${String(v.step)}`, {})
      return { kind: 'input', input: { kind: 'timeout', timeout: { step, height: Number(v.height), round: v.round } } }
    }
    case 'WalValidity':
      return { kind: 'input', input: { kind: 'blockValidity', height: Number(v.height), valueId: toHex(v.blockId), valid: v.valid } }
    case 'WalProposeValue':
      return { kind: 'input', input: { kind: 'proposeValue', round: v.round, block: fromBlockWire(v.block) } }
    default:
      return { kind: 'input', input: { kind: 'commitCertificate', block: fromBlockWire(v.block), commit: fromCommitWire(v.commit) } }
  }
}

/** Entries after the last height marker (a crash may have left a truncated file with none). */
function sinceLastMarker(entries: WalEntry[]): WalEntry[] {
  for (let i = entries.length - 1; i >= 0; i--) if (entries[i]!.kind === 'height') return entries.slice(i)
  return entries
}

const HEADER_BYTES = 8

/**
 * A WAL in one file. Record = u32 length, u32 CRC-32 of the payload, payload (big endian).
 * Every append is written straight to the file (no user-space buffer); `sync` appends also
 * fsync, so a signed message is on disk before it is sent. On open, a torn last record
 * (crash mid-write) is cut off; a bad record followed by good data is WAL_CORRUPT.
 */
export class FileWal implements Wal {
  readonly path: string
  #fd: number | null
  #size: number
  #entries: WalEntry[]

  constructor(path: string) {
    this.path = path
    mkdirSync(dirname(path), { recursive: true })
    const data = existsSync(path) ? readFileSync(path) : Buffer.alloc(0)
    const { entries, goodBytes } = FileWal.parse(data)
    this.#entries = sinceLastMarker(entries)
    this.#fd = openSync(path, existsSync(path) ? 'r+' : 'w+')
    if (goodBytes < data.length) {
      ftruncateSync(this.#fd, goodBytes)
      fsyncSync(this.#fd)
    }
    this.#size = goodBytes
  }

  static parse(data: Buffer): { entries: WalEntry[]; goodBytes: number } {
    const entries: WalEntry[] = []
    let offset = 0
    while (offset < data.length) {
      if (offset + HEADER_BYTES > data.length) break // torn header
      const length = data.readUInt32BE(offset)
      const checksum = data.readUInt32BE(offset + 4)
      const end = offset + HEADER_BYTES + length
      if (end > data.length) break // torn payload
      const payload = data.subarray(offset + HEADER_BYTES, end)
      if (crc32(payload) !== checksum) {
        if (end === data.length) break // the last record was torn in place
        throw new ConsensusError('WAL_CORRUPT', 'WAL record checksum mismatch before the end of the file', { offset })
      }
      try {
        entries.push(decodeWalEntry(new Uint8Array(payload.buffer, payload.byteOffset, payload.length)))
      } catch (error) {
        throw new ConsensusError('WAL_CORRUPT', `undecodable WAL record: ${(error as Error).message}`, { offset }, { cause: error })
      }
      offset = end
    }
    return { entries, goodBytes: offset }
  }

  append(entry: WalEntry, sync: boolean): void {
    const fd = this.#open()
    const payload = encodeWalEntry(entry)
    const record = Buffer.allocUnsafe(HEADER_BYTES + payload.length)
    record.writeUInt32BE(payload.length, 0)
    record.writeUInt32BE(crc32(payload), 4)
    record.set(payload, HEADER_BYTES)
    crashPoint('wal-write', (fraction) => writeSync(fd, record, 0, Math.floor(record.length * fraction), this.#size))
    let written = 0
    while (written < record.length) written += writeSync(fd, record, written, record.length - written, this.#size + written)
    this.#size += record.length
    if (sync) fsyncSync(fd)
    this.#entries.push(entry)
  }

  startHeight(height: Height): void {
    const fd = this.#open()
    ftruncateSync(fd, 0)
    this.#size = 0
    this.#entries = []
    this.append({ kind: 'height', height }, true)
  }

  entries(): WalEntry[] {
    return [...this.#entries]
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd)
    this.#fd = null
  }

  #open(): number {
    if (this.#fd === null) throw new ConsensusError('WAL_CLOSED', 'the WAL is closed', {})
    return this.#fd
  }
}

/**
 * An in-memory WAL for the simulator: `crash()` loses what was not synced, as a power cut
 * would (harsher than kill -9, which keeps the page cache).
 */
export class MemoryWal implements Wal {
  #entries: WalEntry[] = []
  #durable = 0

  append(entry: WalEntry, sync: boolean): void {
    this.#entries.push(entry)
    if (sync) this.#durable = this.#entries.length
  }

  startHeight(height: Height): void {
    this.#entries = [{ kind: 'height', height }]
    this.#durable = 1
  }

  entries(): WalEntry[] {
    return sinceLastMarker(this.#entries)
  }

  crash(): void {
    this.#entries.length = this.#durable
  }

  close(): void {}
}
