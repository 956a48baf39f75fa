import { encodeAddress } from '../../crypto/index.js'
import {
  type ModuleGenesis,
  ModuleError,
  addressAt,
  arrayAt,
  bigintAt,
  genesisError,
  moduleAddress,
  objectAt,
  stringAt,
  u64At,
  optionalU64At,
} from '../../state/index.js'
import { SubnetBooks } from './books.js'
import { BANK, STAKING } from './expected-keepers.js'
import { DEPOSITS_ACCOUNT, bondPurpose } from './keys.js'
import { type PendingParamsValue, type Role, type SubnetParamsValue, type SubnetValue, isRole } from './messages.js'
import { memberJson, subnetJson } from './queries.js'
import { DESCRIPTION_LIMIT, NAME_LIMIT } from './params.js'
import { checkCid, checkMetadata, checkModelSpec, checkSubnetParams, subnetParamsFromJson } from './subnet-params.js'

/**
 * `app_state.subnets` (params apart), what `export` writes and `init` reads back:
 *
 *   next_subnet_id: "N"   (the id the next MsgCreateSubnet gets; above every listed id)
 *   subnets: [{ id, name, domain, description, admin: fedra1…, model_spec, initial_model_cid,
 *               deposit, created_height, params: SubnetParamsJson, params_from_round: "r" | null,
 *               pending_params: SubnetParamsJson | null, pending_since_height: "h" | null,
 *               allow_list: [fedra1…], members: [{ address, role, bond, joined_height }],
 *               barred: [{ round, address }] }]
 *
 * (queries.ts' SubnetJson plus the lists; counts and parameter_count are derived, and ignored
 * when present.) Init checks every value as the messages do, each member's bond against
 * staking's Bonds (staking's genesis imports the bonds, so subnets inits after it) and the
 * deposits against the `subnets` account's balance (bank inits first).
 */
export interface SubnetsGenesis {
  nextId: bigint
  subnets: {
    subnet: SubnetValue
    params: SubnetParamsValue
    fromRound: bigint | null
    pending: PendingParamsValue | undefined
    allowList: Uint8Array[]
    members: { address: Uint8Array; role: Role; bond: bigint; joinedHeight: bigint }[]
    barred: { round: bigint; address: Uint8Array }[]
  }[]
}

const FIELDS = ['next_subnet_id', 'subnets']
const SUBNET_FIELDS = [
  'id',
  'name',
  'domain',
  'description',
  'admin',
  'model_spec',
  'parameter_count',
  'initial_model_cid',
  'deposit',
  'created_height',
  'trainers',
  'aggregators',
  'params',
  'params_from_round',
  'pending_params',
  'pending_since_height',
  'allow_list',
  'members',
  'barred',
]

/** Runs a message-level check, turning its ModuleError into GENESIS_INVALID at `path`. */
function checked<T>(path: string, check: () => T): T {
  try {
    return check()
  } catch (error) {
    if (error instanceof ModuleError) throw genesisError(path, error.plainMessage)
    throw error
  }
}

export const subnetsGenesis: ModuleGenesis<SubnetsGenesis> = {
  validate(section, path) {
    const body = objectAt(section ?? {}, path)
    for (const key of Object.keys(body)) if (!FIELDS.includes(key)) throw genesisError(`${path}.${key}`, 'no such subnets genesis field')
    let previous = -1n
    const subnets = arrayAt(body.subnets ?? [], `${path}.subnets`).map((entry, i) => {
      const at = `${path}.subnets[${i}]`
      const s = objectAt(entry, at)
      for (const key of Object.keys(s)) if (!SUBNET_FIELDS.includes(key)) throw genesisError(`${at}.${key}`, 'no such subnet field')
      const id = u64At(s.id, `${at}.id`)
      if (id <= previous) throw genesisError(`${at}.id`, 'subnets must be listed by strictly ascending id')
      previous = id
      const name = stringAt(s.name, `${at}.name`)
      const domain = stringAt(s.domain, `${at}.domain`)
      const description = stringAt(s.description ?? '', `${at}.description`)
      checked(at, () => checkMetadata(name, domain, description, NAME_LIMIT, DESCRIPTION_LIMIT))
      const modelSpec = stringAt(s.model_spec, `${at}.model_spec`)
      const parameterCount = checked(`${at}.model_spec`, () => checkModelSpec(modelSpec))
      const initialModelCid = checked(`${at}.initial_model_cid`, () =>
        checkCid(stringAt(s.initial_model_cid, `${at}.initial_model_cid`), 'initial_model_cid'),
      )
      const params = checked(`${at}.params`, () => checkSubnetParams(subnetParamsFromJson(s.params, `${at}.params`), parameterCount))
      const pending =
        s.pending_params === null || s.pending_params === undefined
          ? undefined
          : {
              params: checked(`${at}.pending_params`, () =>
                checkSubnetParams(subnetParamsFromJson(s.pending_params, `${at}.pending_params`), parameterCount),
              ),
              height: u64At(s.pending_since_height ?? '0', `${at}.pending_since_height`),
            }
      const seen = new Set<string>()
      const allowList = arrayAt(s.allow_list ?? [], `${at}.allow_list`).map((a, j) => addressAt(a, `${at}.allow_list[${j}]`, seen))
      const memberSeen = new Set<string>()
      const members = arrayAt(s.members ?? [], `${at}.members`).map((m, j) => {
        const mat = `${at}.members[${j}]`
        const o = objectAt(m, mat)
        const role = stringAt(o.role, `${mat}.role`)
        if (!isRole(role)) throw genesisError(`${mat}.role`, 'expected trainer or aggregator')
        const address = addressAt(o.address, `${mat}.address`)
        const key = `${role}/${encodeAddress(address)}`
        if (memberSeen.has(key)) throw genesisError(mat, `${key} listed twice`)
        memberSeen.add(key)
        return { address, role, bond: bigintAt(o.bond, `${mat}.bond`), joinedHeight: u64At(o.joined_height ?? '0', `${mat}.joined_height`) }
      })
      const barred = arrayAt(s.barred ?? [], `${at}.barred`).map((b, j) => {
        const o = objectAt(b, `${at}.barred[${j}]`)
        return { round: u64At(o.round, `${at}.barred[${j}].round`), address: addressAt(o.address, `${at}.barred[${j}].address`) }
      })
      const subnet: SubnetValue = {
        id,
        name,
        domain,
        description,
        admin: addressAt(s.admin, `${at}.admin`),
        modelSpec,
        parameterCount: BigInt(parameterCount),
        initialModelCid,
        deposit: bigintAt(s.deposit ?? '0', `${at}.deposit`),
        createdHeight: u64At(s.created_height ?? '0', `${at}.created_height`),
        trainers: members.filter((m) => m.role === 'trainer').length,
        aggregators: members.filter((m) => m.role === 'aggregator').length,
      }
      return {
        subnet,
        params,
        fromRound: optionalU64At(s.params_from_round, `${at}.params_from_round`),
        pending,
        allowList,
        members,
        barred,
      }
    })
    const nextId = body.next_subnet_id === undefined ? previous + 1n : u64At(body.next_subnet_id, `${path}.next_subnet_id`)
    if (nextId <= previous) throw genesisError(`${path}.next_subnet_id`, `must be above every subnet id (${previous})`)
    const ids = new Set(subnets.map((s) => s.subnet.id))
    subnets.forEach((s, i) => {
      for (const params of [s.params, s.pending?.params]) {
        for (const shared of params?.sharing.subnets ?? []) {
          if (!ids.has(shared) || shared === s.subnet.id)
            throw genesisError(`${path}.subnets[${i}]`, `shares with subnet ${shared}, which is not another listed subnet`)
        }
      }
    })
    return { nextId, subnets }
  },
  init(ctx, genesis) {
    const books = new SubnetBooks(ctx.moduleStore())
    const staking = ctx.keeper(STAKING)
    let deposits = 0n
    for (const [i, s] of genesis.subnets.entries()) {
      books.setSubnet(s.subnet)
      books.setParamsInForce(s.subnet.id, { params: s.params, fromRound: s.fromRound })
      books.setPending(s.subnet.id, s.pending)
      for (const address of s.allowList) books.setAllowed(s.subnet.id, address, true)
      for (const [j, m] of s.members.entries()) {
        const bonded = staking.bondedAmount(m.address, bondPurpose(s.subnet.id, m.role))
        if (bonded !== m.bond)
          throw genesisError(
            `app_state.subnets.subnets[${i}].members[${j}].bond`,
            `${m.bond} differs from the ${bonded} staking's bonds hold`,
          )
        books.setMember(s.subnet.id, m.role, m.address, { bond: m.bond, joinedHeight: m.joinedHeight })
      }
      for (const b of s.barred) books.setBarred(s.subnet.id, b.round, b.address, true)
      deposits += s.subnet.deposit
    }
    books.setNextId(genesis.nextId)
    const denom = staking.bondDenom()
    const balance = ctx.keeper(BANK).balance(moduleAddress(DEPOSITS_ACCOUNT), denom)
    if (balance !== deposits)
      throw genesisError(
        'app_state.subnets.subnets',
        `deposits sum to ${deposits}${denom}, the ${DEPOSITS_ACCOUNT} account holds ${balance}${denom}`,
      )
  },
  export(ctx) {
    const books = new SubnetBooks(ctx.moduleStore())
    return {
      next_subnet_id: String(books.nextId()),
      subnets: [...books.subnets()].map((subnet) => ({
        ...subnetJson(books, subnet),
        allow_list: books.allowList(subnet.id).map((a) => encodeAddress(a)),
        members: [...books.members(subnet.id, 'trainer'), ...books.members(subnet.id, 'aggregator')].map(memberJson),
        barred: books.barredOfSubnet(subnet.id).map((b) => ({ round: String(b.round), address: encodeAddress(b.address) })),
      })),
    }
  },
}
