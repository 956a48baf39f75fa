// What the trainers of the secure-aggregation integration tests hold and do, played in-process
// with the library (src/fl/secagg): their round keys, self-mask seeds, dealt shares, masked updates and reveals.
import assert from 'node:assert/strict'
import { ed25519 } from '@noble/curves/ed25519.js'
import {
  MAX_SIGNED_RESIDUE,
  type RoundKeyPair,
  dealRoundKey,
  maskUpdate,
  openShare,
  roundKeyPair,
  secAggGraph,
  selfSeedCommitment,
} from '../../../src/fl/secagg/index.js'
import { encodeUpdateBlob } from '../../../src/fl/update/blob.js'
import { MsgCreateSubnet, MsgJoinSubnet } from '../../../src/modules/subnets/index.js'
import { secAggGraphSeed, secAggRoundId } from '../../../src/modules/training/secagg-handler.js'
import { MsgSecAggReveal, MsgSecAggSetup, SHARE_KIND_KEY, SHARE_KIND_SELF } from '../../../src/modules/training/secagg-messages.js'
import { CHAIN_ID, seededRandom, testKey } from '../../helpers/chain.js'
import { seededBytes } from '../../unit/fl/secagg/support.js'
import { dec } from '../../unit/modules/subnets/harness.js'
import {
  ADMIN,
  AGGREGATOR_BOND,
  INITIAL_CID,
  N,
  SCALE,
  TRAINER_BOND,
  TrainingChain,
  type Tx,
  addr,
  codes,
  coin,
  createTrainingSubnet,
  trainingGenesisJson,
} from '../../unit/modules/training/harness.js'

export const TRAINERS = [2, 3, 4, 5, 6, 7, 8, 9]
export const AGGREGATOR = 10
/** Round 0: open 2, setup 2..3, masked updates 4..5, aggregate window 6..8. */
export const TIMING = { submitWindow: 4, aggregateWindow: 3, gap: 1 }

/** A training genesis (or `base`) whose accounts 0..accounts−1 hold 1,000 FDR each. */
export function secAggGenesis(base: Record<string, unknown> = trainingGenesisJson(), accounts = 12): Record<string, unknown> {
  const state = base.app_state as Record<string, Record<string, unknown>>
  const balances = Array.from({ length: accounts }, (_, i) => ({
    address: testKey(i).publicKey.address,
    coins: [{ denom: 'ufdr', amount: '1000000000' }],
  }))
  return { ...base, app_state: { ...state, bank: { ...state.bank, balances } } }
}

const random = seededRandom(2028)
/** Each trainer's plaintext update and sample count. */
export const plain = new Map(TRAINERS.map((t) => [t, Int32Array.from({ length: N }, () => Math.floor(random() * 65535) - 32767)]))
export const samples = new Map(TRAINERS.map((t, i) => [t, [100, 512, 7, 300, 45, 512, 260, 1][i]!]))

/** A chain whose subnet 0 aggregates with `rule` (int32 updates), joined by `trainers` and an aggregator (account 10 unless told). */
export async function subnetChain(
  dir: string,
  rule: string,
  trainers: number[],
  options: { genesis?: Record<string, unknown>; aggregator?: number } = {},
): Promise<TrainingChain> {
  const chain = await TrainingChain.open(dir, { genesis: options.genesis ?? secAggGenesis() })
  const maxAbs = rule === 'secagg-fedavg' ? MAX_SIGNED_RESIDUE : 32767
  const params = {
    aggregationRule: rule,
    timing: TIMING,
    quantization: { dtype: 'int32', scale: SCALE, maxAbs, clipNorm: dec('5') },
    sampleCap: 512,
    maxTrainers: 16,
  }
  const executed = await chain.block(
    [ADMIN, MsgCreateSubnet, createTrainingSubnet({}, params)],
    ...trainers.map((t): Tx => [t, MsgJoinSubnet, { subnet: 0n, role: 'trainer', bond: coin(TRAINER_BOND) }]),
    [options.aggregator ?? AGGREGATOR, MsgJoinSubnet, { subnet: 0n, role: 'aggregator', bond: coin(AGGREGATOR_BOND) }],
  )
  assert.ok(
    codes(executed).every(([, code]) => code === 0),
    JSON.stringify(codes(executed)),
  )
  return chain
}

/** What the trainers hold: the roster as the chain will fix it, the graph, round keys and long-term X25519 keys. */
export function trainerSide(trainers: number[]) {
  const members = trainers.map((t) => ({ t, address: addr(t) })).sort((a, b) => Buffer.compare(a.address, b.address))
  const index = new Map(members.map((m, i) => [m.t, i]))
  const roundId = secAggRoundId(CHAIN_ID, 0n, 0n, INITIAL_CID)
  const graph = secAggGraph(
    members.length,
    secAggGraphSeed(
      roundId,
      members.map((m) => m.address),
    ),
  )
  const seedOf = (t: number) => new Uint8Array(32).fill(t + 1) // testKey's seed
  const encPublic = (t: number) => ed25519.utils.toMontgomery(ed25519.getPublicKey(seedOf(t)))
  const encSecret = (t: number) => ed25519.utils.toMontgomerySecret(seedOf(t))
  const bytes = seededBytes('round keys')
  const roundKeys = new Map<number, RoundKeyPair>(trainers.map((t) => [t, roundKeyPair(bytes(32))]))
  const selfSeeds = new Map(trainers.map((t) => [t, seededBytes(`self seed ${t}`)(32)]))
  const dealt = new Map(
    trainers.map((t) => [
      t,
      dealRoundKey({
        roundId,
        dealer: index.get(t)!,
        roundKey: roundKeys.get(t)!,
        selfSeed: selfSeeds.get(t)!,
        graph,
        holderKey: (j) => encPublic(members[j]!.t),
        randomBytes: seededBytes(`shares ${t}`),
      }),
    ]),
  )
  const setupMsg = (t: number) => ({
    subnet: 0n,
    round: 0n,
    roundKey: roundKeys.get(t)!.publicKey,
    selfCommitment: selfSeedCommitment(roundId, index.get(t)!, selfSeeds.get(t)!),
    shares: dealt.get(t)!.map((d) => ({
      holder: members[d.holder]!.address,
      ciphertext: d.ciphertext,
      commitment: d.commitment,
      selfCommitment: d.selfCommitment,
    })),
  })
  const masked = (t: number, setUp: number[]) => {
    const self = index.get(t)!
    const peers = graph
      .neighbours(self)
      .filter((j) => setUp.includes(members[j]!.t))
      .map((j) => ({ index: j, publicKey: roundKeys.get(members[j]!.t)!.publicKey }))
    const values = maskUpdate({
      roundId,
      graph,
      self,
      secretKey: roundKeys.get(t)!.secretKey,
      selfSeed: selfSeeds.get(t)!,
      values: plain.get(t)!,
      weight: samples.get(t)!,
      peers,
    })
    return encodeUpdateBlob({ dtype: 'int32', shape: [N], scale: SCALE, values })
  }
  /** Holder h's plain shares of dealer u (key and self), decrypted from what u dealt. */
  const opened = (u: number, h: number) => {
    const d = dealt.get(u)!.find((x) => x.holder === index.get(h))!
    return openShare({
      roundId,
      dealer: index.get(u)!,
      holder: index.get(h)!,
      dealerPublicKey: roundKeys.get(u)!.publicKey,
      holderSecretKey: encSecret(h),
      dealt: d,
    })
  }
  /** Holder h's share of dealer u's round key (revealed if u dropped). */
  const share = (u: number, h: number) => opened(u, h).keyShare
  /** Holder h's share of dealer u's self-mask seed (revealed if u survived). */
  const selfShare = (u: number, h: number) => opened(u, h).selfShare
  const holdersOf = (u: number) => graph.neighbours(index.get(u)!).map((j) => members[j]!.t)
  /** What an honest surviving holder h reveals: self shares of every surviving dealer it holds, key shares of every dropped one. */
  const honestReveals = (h: number, survivors: number[], dropped: number[]) => [
    ...survivors.filter((u) => holdersOf(u).includes(h)).map((u) => ({ dealer: addr(u), kind: SHARE_KIND_SELF, share: selfShare(u, h) })),
    ...dropped.filter((u) => holdersOf(u).includes(h)).map((u) => ({ dealer: addr(u), kind: SHARE_KIND_KEY, share: share(u, h) })),
  ]
  /** One MsgSecAggReveal per surviving holder with something to reveal. */
  const revealTxs = (survivors: number[], dropped: number[]): Tx[] =>
    survivors
      .map((h): Tx => [h, MsgSecAggReveal, { subnet: 0n, round: 0n, reveals: honestReveals(h, survivors, dropped) }])
      .filter((tx) => (tx[2] as { reveals: unknown[] }).reveals.length > 0)
  return {
    graph,
    setupMsg,
    masked,
    share,
    selfShare,
    holdersOf,
    honestReveals,
    revealTxs,
    encSecret,
    dealt,
    index,
    roundId,
    roundKeys,
    selfSeeds,
  }
}

/** Round 0 up to the end of its update phase: every trainer in `side` sets up, `submitters` submit their masked updates; returns the blobs of all. */
export async function setUpAndSubmit(
  chain: TrainingChain,
  side: ReturnType<typeof trainerSide>,
  trainers: number[],
  submitters: number[],
): Promise<Map<number, Uint8Array>> {
  assert.deepEqual(
    codes(await chain.block(...trainers.map((t): Tx => [t, MsgSecAggSetup, side.setupMsg(t)]))),
    trainers.map(() => OK),
  )
  await chain.until(3)
  const blobs = new Map(trainers.map((t) => [t, side.masked(t, trainers)]))
  assert.deepEqual(
    codes(await chain.block(...submitters.map((t) => chain.submit(t, blobs.get(t)!, { sampleCount: samples.get(t)! })))),
    submitters.map(() => OK),
  )
  await chain.until(5)
  return blobs
}

const OK: [string, number] = ['', 0]
