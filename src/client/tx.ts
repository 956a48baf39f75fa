import { encode } from '../codec/index.js'
import { type PrivateKey, decodeAddress, fromHex } from '../crypto/index.js'
import { FlError } from '../fl/errors.js'
import { parseModelSpec } from '../fl/model/spec.js'
import { type CoinValue, MsgSend } from '../modules/bank/messages.js'
import {
  MsgFundCommunityPool,
  MsgSetWithdrawAddress,
  MsgWithdrawAllRewards,
  MsgWithdrawCommission,
  MsgWithdrawRewards,
} from '../modules/distribution/messages.js'
import { MsgCommitScores, MsgRevealScores } from '../modules/reputation/messages.js'
import { MsgUnjail } from '../modules/slashing/messages.js'
import {
  MsgCancelUnbonding,
  MsgCreateValidator,
  MsgDelegate,
  MsgEditValidator,
  MsgRedelegate,
  MsgUndelegate,
} from '../modules/staking/messages.js'
import {
  MAX_MODEL_SPEC,
  MsgCreateSubnet,
  MsgJoinSubnet,
  MsgLeaveSubnet,
  MsgTopUpSubnetBond,
  MsgUpdateAllowList,
  MsgUpdateSubnetParams,
} from '../modules/subnets/messages.js'
import { MsgSetDpPolicy } from '../modules/training/dp-messages.js'
import { MAX_INCLUDED, MAX_METRICS, MsgSubmitAggregate, MsgSubmitUpdate } from '../modules/training/messages.js'
import { Dec } from '../state/dec.js'
import { signTx } from '../state/tx.js'
import type { FedraClient } from './client.js'
import { datanetMessages, lineageMessages } from './datanet-tx.js'
import { govMessages } from './gov-tx.js'
import { disputeMessages } from './dispute-tx.js'
import { secAggMessages } from './secagg-tx.js'
import { envelopeMessages } from './envelope-tx.js'
import {
  accountBytes,
  addressList,
  bytes32,
  cidText,
  compareBytes,
  decimal,
  invalid,
  moniker,
  oneCoin,
  parseCoins,
  positiveInt,
  rate,
  role,
  u32,
  u64,
  validatorBytes,
} from './inputs.js'
import { type SubnetParamsJsonInput, subnetParamsFromInput } from './subnet-params.js'

export { parseCoins } from './inputs.js'

/**
 * Building and signing transactions, for every client of a node: the CLI, the roles (trainer,
 * aggregator, scorer) and the dashboard. Browser-safe: codec, crypto and the tx format only.
 */
export interface TxOptions {
  fee: bigint
  gasLimit: bigint
  memo?: string
  /** Default: the account's next nonce, read from the node. */
  nonce?: bigint
}

/** What `messages.stakingCreateValidator` takes: bech32 and decimal strings as a user types them. */
export interface CreateValidatorInput {
  /** ed25519 consensus public key, 64 hex digits (`fedra keys show-validator`). */
  pubKey: string
  moniker: string
  /** Self-delegation, e.g. "10000000ufdr". */
  amount: string | CoinValue
  /** Defaults: 0.1, 0.2, 0.01, 1. */
  commissionRate?: string
  commissionMaxRate?: string
  commissionMaxChangeRate?: string
  minSelfDelegation?: bigint | string
}

/** What `messages.stakingEditValidator` takes; a field left out stays as it is. */
export interface EditValidatorInput {
  moniker?: string
  commissionRate?: string
  minSelfDelegation?: bigint | string
}

/**
 * What `messages.subnetsCreate` takes. `modelSpec` is the canonical JSON text of a model spec
 * (canonicalModelSpec of src/modules/subnets makes it; the chain refuses any other spelling);
 * `params` subnet_get's `params` form with defaults for what is left out (SUBNET_PARAMS_DEFAULTS).
 */
export interface CreateSubnetInput {
  name: string
  domain: string
  description?: string
  modelSpec: string
  /** CIDv1 of the initial global model blob (int32 fixed point, shape [parameter count]). */
  initialModelCid: string
  /** fedra1… addresses admitted when membership is allow-list. */
  allowList?: readonly string[]
  params: SubnetParamsJsonInput
}

/** What `messages.trainingSetDpPolicy` takes: decimal text (at most 18 digits after the point). */
export interface SetDpPolicyInput {
  subnet: bigint | number | string
  clipNorm: string
  noiseMultiplier: string
  samplingRate: string
  targetEpsilon: string
  delta: string
}

/** What `messages.trainingSubmitUpdate` takes. */
export interface SubmitUpdateInput {
  subnet: bigint | number | string
  round: bigint | number | string
  /** CIDv1 of the update blob (src/fl/update/blob.ts), as `blob_put` answered it. */
  updateCid: string
  sampleCount: number
  /** The blob's length in bytes. */
  byteSize: bigint | number | string
  /** A hash of the trainer's device id: 32 bytes or 64 hex digits. */
  deviceIdHash: Uint8Array | string
  /** The trainer's own local-epoch label (default 0). */
  epochId?: bigint | number | string
  /** Claimed metrics in millionths (accuracy 0.912 → 912000n), unchecked by the chain. */
  claimedMetrics?: readonly { name: string; value: bigint | number }[]
}

/** What `messages.trainingSubmitAggregate` takes: `included` in ascending trainer-address order (round_updates' order). */
export interface SubmitAggregateInput {
  subnet: bigint | number | string
  round: bigint | number | string
  baseGlobalCid: string
  included: readonly { trainer: string; updateCid: string }[]
  resultCid: string
  newGlobalCid: string
}

/** What `messages.reputationRevealScores` takes: one score per trainer of the round's accepted version, ascending address order. */
export interface RevealScoresInput {
  subnet: bigint | number | string
  round: bigint | number | string
  /** The salt the commitment hashed: 32 bytes or 64 hex digits. */
  salt: Uint8Array | string
  scores: readonly { trainer: string; score: number }[]
}

/**
 * The encoded messages a client can put in a transaction. Each checks its input (bech32
 * addresses, amounts like 1000ufdr, decimal-string rates) and throws ClientError INVALID_INPUT,
 * with `reason` naming the field, before anything is signed.
 */
export const messages = {
  /** bank/MsgSend from the signer to `to` (a fedra1… address). */
  bankSend(to: string, amount: CoinValue[]): Uint8Array {
    return encode(MsgSend, { to: decodeAddress(to), amount })
  },

  /** staking/MsgCreateValidator: the signer becomes the operator of a validator with `pubKey`, self-bonding `amount`. */
  stakingCreateValidator(input: CreateValidatorInput): Uint8Array {
    if (typeof input.pubKey !== 'string' || !/^[0-9a-fA-F]{64}$/.test(input.pubKey))
      invalid('pubKey', 'pubKey: expected an ed25519 public key of 64 hex digits')
    const commissionRate = rate(input.commissionRate ?? '0.1', 'commissionRate')
    const commissionMaxRate = rate(input.commissionMaxRate ?? '0.2', 'commissionMaxRate')
    const commissionMaxChangeRate = rate(input.commissionMaxChangeRate ?? '0.01', 'commissionMaxChangeRate')
    if (commissionRate.gt(commissionMaxRate))
      invalid('commissionRate', `commissionRate ${commissionRate} is above commissionMaxRate ${commissionMaxRate}`)
    if (commissionMaxChangeRate.gt(commissionMaxRate))
      invalid(
        'commissionMaxChangeRate',
        `commissionMaxChangeRate ${commissionMaxChangeRate} is above commissionMaxRate ${commissionMaxRate}`,
      )
    return encode(MsgCreateValidator, {
      pubKey: fromHex(input.pubKey.toLowerCase()),
      moniker: moniker(input.moniker),
      commissionRate,
      commissionMaxRate,
      commissionMaxChangeRate,
      minSelfDelegation: positiveInt(input.minSelfDelegation ?? 1n, 'minSelfDelegation'),
      value: oneCoin(input.amount, 'amount'),
    })
  },

  /** staking/MsgEditValidator of the signer's validator. */
  stakingEditValidator(input: EditValidatorInput): Uint8Array {
    if (input.moniker === undefined && input.commissionRate === undefined && input.minSelfDelegation === undefined)
      invalid('input', 'nothing to edit: give a moniker, a commission rate or a minimum self-delegation')
    return encode(MsgEditValidator, {
      moniker: input.moniker === undefined ? null : moniker(input.moniker),
      commissionRate: input.commissionRate === undefined ? null : rate(input.commissionRate, 'commissionRate'),
      minSelfDelegation: input.minSelfDelegation === undefined ? null : positiveInt(input.minSelfDelegation, 'minSelfDelegation'),
    })
  },

  /** staking/MsgDelegate of `amount` (e.g. "1000ufdr") to `validator`. */
  stakingDelegate(validator: string, amount: string | CoinValue): Uint8Array {
    return encode(MsgDelegate, { validator: validatorBytes(validator, 'validator'), amount: oneCoin(amount, 'amount') })
  },

  /** staking/MsgUndelegate: `amount` tokens' worth of the signer's shares in `validator` start unbonding. */
  stakingUndelegate(validator: string, amount: string | CoinValue): Uint8Array {
    return encode(MsgUndelegate, { validator: validatorBytes(validator, 'validator'), amount: oneCoin(amount, 'amount') })
  },

  /** staking/MsgRedelegate of `amount` from `source` to `destination`. */
  stakingRedelegate(source: string, destination: string, amount: string | CoinValue): Uint8Array {
    const src = validatorBytes(source, 'source')
    const dst = validatorBytes(destination, 'destination')
    if (src.every((b, i) => b === dst[i])) invalid('destination', 'destination: the same validator as the source')
    return encode(MsgRedelegate, { source: src, destination: dst, amount: oneCoin(amount, 'amount') })
  },

  /** staking/MsgCancelUnbonding: `amount` of the unbonding entry created at `creationHeight` goes back to `validator`. */
  stakingCancelUnbonding(validator: string, creationHeight: bigint | number | string, amount: string | CoinValue): Uint8Array {
    const height =
      typeof creationHeight === 'bigint'
        ? creationHeight
        : /^(0|[1-9][0-9]{0,19})$/.test(String(creationHeight))
          ? BigInt(creationHeight)
          : invalid('creationHeight', `creationHeight: "${String(creationHeight).slice(0, 40)}" is not a height`)
    if (height <= 0n || height >= 2n ** 64n) invalid('creationHeight', 'creationHeight: must be a positive height')
    return encode(MsgCancelUnbonding, {
      validator: validatorBytes(validator, 'validator'),
      creationHeight: height,
      amount: oneCoin(amount, 'amount'),
    })
  },

  /** slashing/MsgUnjail of the signer's validator. */
  slashingUnjail(): Uint8Array {
    return encode(MsgUnjail, {})
  },

  /** distribution/MsgWithdrawRewards of the signer's delegation to `validator`. */
  distributionWithdrawRewards(validator: string): Uint8Array {
    return encode(MsgWithdrawRewards, { validator: validatorBytes(validator, 'validator') })
  },

  /** distribution/MsgWithdrawAllRewards: every delegation of the signer. */
  distributionWithdrawAll(): Uint8Array {
    return encode(MsgWithdrawAllRewards, {})
  },

  /** distribution/MsgWithdrawCommission of the validator the signer operates. */
  distributionWithdrawCommission(): Uint8Array {
    return encode(MsgWithdrawCommission, {})
  },

  /** distribution/MsgSetWithdrawAddress: the signer's rewards go to `address` (a fedra1…). */
  distributionSetWithdrawAddress(address: string): Uint8Array {
    return encode(MsgSetWithdrawAddress, { address: accountBytes(address, 'address') })
  },

  /** distribution/MsgFundCommunityPool: "1000ufdr,5uabc" (or coins) of the signer's to the pool. */
  distributionFundCommunityPool(amount: string | CoinValue[]): Uint8Array {
    const coins = typeof amount === 'string' ? parseCoins(amount) : amount.map((c) => oneCoin(c, 'amount'))
    if (coins.length === 0 || coins.length > 8) invalid('amount', `amount: 1 to 8 denominations, got ${coins.length}`)
    for (const c of coins) if (c.amount <= 0n) invalid('amount', `amount: ${c.amount}${c.denom} is not positive`)
    for (let i = 1; i < coins.length; i++)
      if (coins[i - 1]!.denom >= coins[i]!.denom) invalid('amount', 'amount: each denomination once, sorted')
    return encode(MsgFundCommunityPool, { amount: coins })
  },
  /** subnets/MsgCreateSubnet: the signer creates (and administers) a subnet, paying the module's creation deposit. */
  subnetsCreate(input: CreateSubnetInput): Uint8Array {
    if (typeof input.name !== 'string' || input.name.trim() === '') invalid('name', 'name: must not be empty')
    if (input.name.length > 256) invalid('name', `name: at most 256 characters, got ${input.name.length}`)
    if (typeof input.domain !== 'string' || !/^[a-z0-9][a-z0-9._/-]{0,63}$/.test(input.domain))
      invalid('domain', 'domain: 1..64 of a-z 0-9 . _ / - (like vision/digits)')
    const description = input.description ?? ''
    if (typeof description !== 'string' || description.length > 8192) invalid('description', 'description: at most 8192 characters')
    if (typeof input.modelSpec !== 'string' || input.modelSpec.length > MAX_MODEL_SPEC)
      invalid('modelSpec', `modelSpec: expected JSON text of at most ${MAX_MODEL_SPEC} characters`)
    try {
      parseModelSpec(input.modelSpec)
    } catch (error) {
      if (error instanceof FlError) invalid('modelSpec', `modelSpec: ${error.plainMessage}`)
      throw error
    }
    const allowList = addressList(input.allowList ?? [], 'allowList')
    return encode(MsgCreateSubnet, {
      name: input.name,
      domain: input.domain,
      description,
      modelSpec: input.modelSpec,
      initialModelCid: cidText(input.initialModelCid, 'initialModelCid'),
      allowList,
      params: subnetParamsFromInput(input.params, allowList.length > 0),
    })
  },

  /** subnets/MsgJoinSubnet: the signer joins `subnet` as trainer or aggregator, bonding `bond` (e.g. "1000000ufdr"). */
  subnetsJoin(subnet: bigint | number | string, joinAs: string, bond: string | CoinValue): Uint8Array {
    return encode(MsgJoinSubnet, { subnet: u64(subnet, 'subnet'), role: role(joinAs), bond: oneCoin(bond, 'bond') })
  },

  /** subnets/MsgLeaveSubnet: the signer's membership in that role ends; its bond starts unbonding. */
  subnetsLeave(subnet: bigint | number | string, leaveAs: string): Uint8Array {
    return encode(MsgLeaveSubnet, { subnet: u64(subnet, 'subnet'), role: role(leaveAs) })
  },

  /** subnets/MsgTopUpSubnetBond: adds `amount` to the signer's bond in a role it holds. */
  subnetsTopUp(subnet: bigint | number | string, topUpAs: string, amount: string | CoinValue): Uint8Array {
    return encode(MsgTopUpSubnetBond, { subnet: u64(subnet, 'subnet'), role: role(topUpAs), amount: oneCoin(amount, 'amount') })
  },

  /** subnets/MsgUpdateAllowList (admin): adds then removes fedra1… addresses. */
  subnetsUpdateAllowList(subnet: bigint | number | string, change: { add?: readonly string[]; remove?: readonly string[] }): Uint8Array {
    const add = addressList(change.add ?? [], 'add')
    const remove = addressList(change.remove ?? [], 'remove')
    if (add.length === 0 && remove.length === 0) invalid('add', 'nothing to change: add or remove at least one address')
    for (const a of add) if (remove.some((r) => compareBytes(a, r) === 0)) invalid('remove', 'remove: an address both added and removed')
    return encode(MsgUpdateAllowList, { subnet: u64(subnet, 'subnet'), add, remove })
  },

  /** subnets/MsgUpdateSubnetParams (admin): `params` (subnet_get's form, defaults for what is left out) from the next round on. */
  subnetsUpdateParams(subnet: bigint | number | string, params: SubnetParamsJsonInput): Uint8Array {
    return encode(MsgUpdateSubnetParams, { subnet: u64(subnet, 'subnet'), params: subnetParamsFromInput(params) })
  },

  /**
   * training/MsgSetDpPolicy (admin, once): the subnet's DP policy, with the chain's stateless
   * checks made here (docs/privacy.md): clip norm > 0, noise multiplier ≥ 0.1, sampling rate in
   * (0, 1], target ε > 0, δ in (0, 1).
   */
  trainingSetDpPolicy(input: SetDpPolicyInput): Uint8Array {
    const clipNorm = decimal(input.clipNorm, 'clipNorm')
    if (!clipNorm.gt(Dec.ZERO)) invalid('clipNorm', 'clipNorm: must be positive')
    const noiseMultiplier = decimal(input.noiseMultiplier, 'noiseMultiplier')
    if (noiseMultiplier.lt(Dec.parse('0.1'))) invalid('noiseMultiplier', 'noiseMultiplier: must be at least 0.1')
    const samplingRate = rate(input.samplingRate, 'samplingRate')
    if (!samplingRate.gt(Dec.ZERO)) invalid('samplingRate', 'samplingRate: must lie in (0, 1]')
    const targetEpsilon = decimal(input.targetEpsilon, 'targetEpsilon')
    if (!targetEpsilon.gt(Dec.ZERO)) invalid('targetEpsilon', 'targetEpsilon: must be positive')
    const delta = rate(input.delta, 'delta')
    if (!delta.gt(Dec.ZERO) || !delta.lt(Dec.ONE)) invalid('delta', 'delta: must lie in (0, 1)')
    return encode(MsgSetDpPolicy, { subnet: u64(input.subnet, 'subnet'), clipNorm, noiseMultiplier, samplingRate, targetEpsilon, delta })
  },

  /** training/MsgSubmitUpdate: a trainer's update blob for a round. */
  trainingSubmitUpdate(input: SubmitUpdateInput): Uint8Array {
    const metrics = input.claimedMetrics ?? []
    if (!Array.isArray(metrics) || metrics.length > MAX_METRICS) invalid('claimedMetrics', `claimedMetrics: at most ${MAX_METRICS}`)
    return encode(MsgSubmitUpdate, {
      subnet: u64(input.subnet, 'subnet'),
      round: u64(input.round, 'round'),
      updateCid: cidText(input.updateCid, 'updateCid'),
      sampleCount: u32(input.sampleCount, 'sampleCount'),
      epochId: u64(input.epochId ?? 0n, 'epochId'),
      deviceIdHash: bytes32(input.deviceIdHash, 'deviceIdHash'),
      byteSize: u64(input.byteSize, 'byteSize'),
      claimedMetrics: metrics.map((m) => {
        if (typeof m?.name !== 'string' || m.name === '' || m.name.length > 32)
          invalid('claimedMetrics', 'claimedMetrics: each has a name of 1..32 characters')
        return { name: m.name, value: u64(m.value, `claimedMetrics.${m.name}`) }
      }),
    })
  },

  /** training/MsgSubmitAggregate: an aggregator's aggregate of a round, every update of it in ascending trainer order. */
  trainingSubmitAggregate(input: SubmitAggregateInput): Uint8Array {
    if (!Array.isArray(input.included) || input.included.length === 0 || input.included.length > MAX_INCLUDED)
      invalid('included', `included: 1..${MAX_INCLUDED} updates`)
    const included = input.included.map((u) => ({
      trainer: accountBytes(u.trainer, 'included'),
      updateCid: cidText(u.updateCid, 'included'),
    }))
    for (let i = 1; i < included.length; i++) {
      if (compareBytes(included[i - 1]!.trainer, included[i]!.trainer) >= 0)
        invalid('included', `included: trainers must be in ascending address order, each once (at ${i})`)
    }
    return encode(MsgSubmitAggregate, {
      subnet: u64(input.subnet, 'subnet'),
      round: u64(input.round, 'round'),
      baseGlobalCid: cidText(input.baseGlobalCid, 'baseGlobalCid'),
      included,
      resultCid: cidText(input.resultCid, 'resultCid'),
      newGlobalCid: cidText(input.newGlobalCid, 'newGlobalCid'),
    })
  },

  /** reputation/MsgCommitScores: a validator's commitment (reputation's scoreCommitment) to its scores of a round. */
  reputationCommitScores(input: {
    subnet: bigint | number | string
    round: bigint | number | string
    commitment: Uint8Array | string
  }): Uint8Array {
    return encode(MsgCommitScores, {
      subnet: u64(input.subnet, 'subnet'),
      round: u64(input.round, 'round'),
      commitment: bytes32(input.commitment, 'commitment'),
    })
  },

  /** reputation/MsgRevealScores: the salt and scores a commitment hashed, trainers in ascending address order. */
  reputationRevealScores(input: RevealScoresInput): Uint8Array {
    if (!Array.isArray(input.scores) || input.scores.length === 0 || input.scores.length > MAX_INCLUDED)
      invalid('scores', `scores: 1..${MAX_INCLUDED} trainers`)
    const scores = input.scores.map((s) => ({ trainer: accountBytes(s.trainer, 'scores'), score: u32(s.score, 'scores') }))
    for (let i = 1; i < scores.length; i++) {
      if (compareBytes(scores[i - 1]!.trainer, scores[i]!.trainer) >= 0)
        invalid('scores', `scores: trainers must be in ascending address order, each once (at ${i})`)
    }
    return encode(MsgRevealScores, {
      subnet: u64(input.subnet, 'subnet'),
      round: u64(input.round, 'round'),
      salt: bytes32(input.salt, 'salt'),
      scores,
    })
  },

  ...datanetMessages,
  ...lineageMessages,
  ...govMessages,
  ...envelopeMessages,
  ...disputeMessages,
  ...secAggMessages,
}

/** Signs `encodedMessages` with `key` for the chain `client` talks to. */
export async function buildTx(
  client: FedraClient,
  key: PrivateKey,
  encodedMessages: Uint8Array[],
  options: TxOptions,
): Promise<Uint8Array> {
  const [status, account] = await Promise.all([client.status(), options.nonce === undefined ? client.account(key.publicKey.address) : null])
  return signTx(key, {
    chainId: status.nodeInfo.network,
    nonce: options.nonce ?? BigInt(account!.nonce),
    fee: options.fee,
    gasLimit: options.gasLimit,
    messages: encodedMessages,
    memo: options.memo ?? '',
  })
}
