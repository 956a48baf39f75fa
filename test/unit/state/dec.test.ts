import assert from 'node:assert/strict'
import { decode, encode, t } from '../../../src/codec/index.js'
import { Dec, StateError, decType } from '../../../src/state/index.js'

const d = (text: string) => Dec.parse(text)
const refused = (text: string) =>
  assert.throws(
    () => Dec.parse(text),
    (e: unknown) => e instanceof StateError && e.code === 'DEC_INVALID',
  )

describe('Dec: 18-digit fixed point', () => {
  it('parses and prints exact decimal text, trailing zeros trimmed', () => {
    for (const text of ['0', '1', '0.05', '12.000000000000000001', '1000000000000']) assert.equal(d(text).toString(), text)
    assert.equal(d('0.50').toString(), '0.5')
    assert.equal(d('3').sub(d('6.5')).toString(), '-3.5')
  })
  it('refuses signs, exponents, spaces, leading zeros and a 19th digit', () => {
    for (const text of ['-1', '+1', '1e3', ' 1', '01', '1.', '.5', '0.0000000000000000001', '']) refused(text)
    assert.throws(
      () => Dec.parse(5 as never),
      (e: unknown) => e instanceof StateError && e.code === 'DEC_INVALID',
    )
  })
  it('mul and quo truncate toward zero; the ceil forms round up', () => {
    const third = Dec.ONE.quo(Dec.fromInt(3n))
    assert.equal(third.toString(), '0.333333333333333333')
    assert.equal(Dec.ONE.quoCeil(Dec.fromInt(3n)).toString(), '0.333333333333333334')
    assert.equal(third.mul(d('0.5')).toString(), '0.166666666666666666')
    assert.equal(third.mulCeil(d('0.5')).toString(), '0.166666666666666667')
    assert.equal(third.mulInt(3n).toString(), '0.999999999999999999')
    assert.equal(d('7.9').truncate(), 7n)
    assert.equal(d('7.1').ceil(), 8n)
    assert.equal(d('7').ceil(), 7n)
    assert.equal(d('0').sub(d('7.1')).ceil(), -7n)
  })
  it('refuses division by zero with a typed error', () => {
    for (const f of [() => Dec.ONE.quo(Dec.ZERO), () => Dec.ONE.quoCeil(Dec.ZERO), () => Dec.ONE.quoInt(0n)]) {
      assert.throws(f, (e: unknown) => e instanceof StateError && e.code === 'DEC_DIVISION_BY_ZERO')
    }
  })
  it('compares by value', () => {
    assert.ok(d('0.05').lt(d('0.5')) && d('2').gte(d('2')) && d('2').eq(Dec.fromInt(2n)))
    assert.equal(Dec.min(d('1'), d('0.1')).toString(), '0.1')
    assert.equal(d('1').cmp(d('0.9')), 1)
  })
  it('round-trips through the codec as a canonical uint and refuses a non-Dec', () => {
    const Holder = t.struct('DecHolder', 960, 1, { rate: decType })
    const bytes = encode(Holder, { rate: d('0.05') })
    assert.equal(decode(Holder, bytes).rate.toString(), '0.05')
    assert.throws(() => encode(Holder, { rate: 0.05 as never }))
    assert.throws(() => encode(Holder, { rate: Dec.ZERO.sub(Dec.ONE) }))
  })
})
