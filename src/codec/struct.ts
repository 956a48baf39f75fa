import { CodecError } from './errors.js'
import { tagOwner } from './tags.js'
import { type Type, type Wire, wrongType } from './type.js'

type Fields = Record<string, Type<any>>
export type StructValue<F extends Fields> = { [K in keyof F]: F[K] extends Type<infer T> ? T : never }

export interface StructType<F extends Fields> extends Type<StructValue<F>> {
  readonly tag: number
  readonly version: number
  readonly fields: F
}

const registered = new Map<number, string>()

/**
 * A struct is the positional array `[tag, version, ...fields]` in declaration order. Tags are
 * unique across the codebase, each owner taking them from its range in CODEC_TAG_RANGES
 * (tags.ts), so any encoded struct says what it is, and unions dispatch on the tag. A tag
 * outside every range is refused here.
 */
export function struct<F extends Fields>(name: string, tag: number, version: number, fields: F): StructType<F> {
  if (tagOwner(tag) === undefined) throw new Error(`codec tag ${tag} of ${name} lies in no range of CODEC_TAG_RANGES`)
  const owner = registered.get(tag)
  if (owner !== undefined && owner !== name) throw new Error(`codec tag ${tag} used by both ${owner} and ${name}`)
  registered.set(tag, name)
  const keys = Object.keys(fields)
  const types = keys.map((key) => fields[key]!)

  return {
    name,
    tag,
    version,
    fields,
    toWire(value, path) {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
        throw wrongType(path, name, value)
      }
      const wire: Wire[] = [tag, version]
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!
        wire.push(types[i]!.toWire((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key))
      }
      return wire
    },
    fromWire(wire, path) {
      if (!Array.isArray(wire)) throw wrongType(path, name, wire)
      if (wire[0] !== tag) {
        throw new CodecError('UNKNOWN_TAG', `${path || 'value'}: expected ${name} (tag ${tag}), got tag ${String(wire[0])}`, {
          path,
          expected: name,
          actual: String(wire[0]),
        })
      }
      if (wire[1] !== version) {
        throw new CodecError(
          'UNSUPPORTED_VERSION',
          `${path || 'value'}: ${name} version ${String(wire[1])} (this build reads ${version})`,
          {
            path,
            expected: String(version),
            actual: String(wire[1]),
          },
        )
      }
      if (wire.length !== keys.length + 2) throw wrongType(path, `${name} with ${keys.length} fields`, wire)
      const value: Record<string, unknown> = {}
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!
        value[key] = types[i]!.fromWire(wire[i + 2], path ? `${path}.${key}` : key)
      }
      return value as StructValue<F>
    },
  }
}

/** One member of a union: the member struct's name and its value (like a Cosmos `Any`). */
export interface Tagged<Name extends string = string, V = unknown> {
  type: Name
  value: V
}

type MemberOf<S> = S extends StructType<infer F> ? Tagged<string, StructValue<F>> : never

/**
 * A value that is one of several structs, told apart by their tags on the wire and by
 * `type` (the struct's name) in memory.
 */
export function union<S extends StructType<any>[]>(name: string, members: S): Type<MemberOf<S[number]>> {
  const byTag = new Map<number, StructType<any>>()
  const byName = new Map<string, StructType<any>>()
  for (const member of members) {
    byTag.set(member.tag, member)
    byName.set(member.name, member)
  }
  return {
    name,
    toWire(tagged, path) {
      const member = typeof tagged === 'object' && tagged !== null ? byName.get(tagged.type) : undefined
      if (member === undefined) throw wrongType(path, `${name} (one of ${[...byName.keys()].join(', ')})`, tagged)
      return member.toWire(tagged.value, path)
    },
    fromWire(wire, path) {
      if (!Array.isArray(wire)) throw wrongType(path, name, wire)
      const tag = wire[0]
      const member = typeof tag === 'number' ? byTag.get(tag) : undefined
      if (member === undefined) {
        throw new CodecError('UNKNOWN_TAG', `${path || 'value'}: tag ${String(tag)} is not a ${name}`, {
          path,
          expected: name,
          actual: String(tag),
        })
      }
      return { type: member.name, value: member.fromWire(wire, path) } as MemberOf<S[number]>
    },
  }
}
