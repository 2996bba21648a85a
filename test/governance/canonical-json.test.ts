// RFC 8785 (JCS) conformance of canonicalJson, with the RFC's own vectors, and its refusals.
import { createHash } from 'node:crypto';
import t from 'tap';
import { canonicalJson, sha256Hex } from '../../runtime/canonical-json.ts';

function double(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

t.test('numbers serialize as the IEEE 754 samples of RFC 8785 Appendix B', async (t) => {
  // [IEEE 754 bits, JCS text] exactly as listed in Appendix B.
  const samples: [string, string][] = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'], // minus zero
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'], // round to even
  ];
  for (const [hex, expected] of samples) {
    t.equal(canonicalJson(double(hex)), expected, `0x${hex}`);
    t.equal(canonicalJson([double(hex)]), `[${expected}]`, `0x${hex} inside an array`);
  }
});

t.test('NaN and Infinity (Appendix B 7fffffffffffffff, 7ff0000000000000) are errors, with the path', async (t) => {
  for (const hex of ['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000']) {
    t.throws(() => canonicalJson(double(hex)), TypeError, `0x${hex}`);
  }
  t.throws(() => canonicalJson({ a: { b: [1, Number.NaN] } }), { name: 'TypeError', message: /\$\.a\.b\[1\] is NaN/ });
  t.throws(() => canonicalJson({ 'odd key': Number.POSITIVE_INFINITY }), { message: /\$\["odd key"\] is Infinity/ });
});

t.test('values with no JSON text are TypeErrors: undefined at the top, BigInt, lone surrogates, cycles', async (t) => {
  t.throws(() => canonicalJson(undefined), { name: 'TypeError', message: /\$ is undefined/ });
  t.throws(() => canonicalJson(() => 1), { name: 'TypeError', message: /\$ is a function/ });
  t.throws(() => canonicalJson(10n), { name: 'TypeError', message: /BigInt/ });
  t.throws(() => canonicalJson({ amount: 10n }), { name: 'TypeError', message: /\$\.amount is a BigInt/ });
  t.throws(() => canonicalJson({ s: '\ud800' }), { name: 'TypeError', message: /\$\.s is a string with a lone UTF-16 surrogate/ });
  const cycle: Record<string, unknown> = {};
  cycle.self = cycle;
  t.throws(() => canonicalJson(cycle), { name: 'TypeError', message: /\$\.self refers back/ });
});

t.test('like JSON, undefined members are left out of objects and become null in arrays', async (t) => {
  t.equal(canonicalJson({ a: undefined, b: 1 }), '{"b":1}');
  t.equal(canonicalJson([undefined]), '[null]');
});

t.test('property names sort by UTF-16 code units (RFC 8785 §3.2.3 example)', async (t) => {
  const input = JSON.parse(`{
    "\\u20ac": "Euro Sign",
    "\\r": "Carriage Return",
    "\\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\\ud83d\\ude00": "Emoji: Grinning Face",
    "\\u0080": "Control",
    "\\u00f6": "Latin Small Letter O With Diaeresis"
  }`);
  const output = canonicalJson(input);
  t.equal(
    output,
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
      '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
  );
});

t.test('the sample canonicalization of RFC 8785 §3.2.2: numbers, literals and string escapes', async (t) => {
  const input = String.raw`{
    "numbers": [333333333.33333329, 1E30, 4.50,
                2e-3, 0.000000000000000000000000001],
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  }`;
  t.equal(
    canonicalJson(JSON.parse(input)),
    String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
  );
});

t.test('sha256Hex hashes the UTF-8 bytes, lowercase hex', async (t) => {
  t.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  t.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  // "€" is three bytes in UTF-8 (e2 82 ac).
  t.equal(sha256Hex('€'), createHash('sha256').update(Buffer.from([0xe2, 0x82, 0xac])).digest('hex'));
});
