// Exact decimal arithmetic on the API's decimal strings ("-12.345"), for the few sums, differences and percents the
// Portfolio page works out itself. A value is a BigInt of units scaled by 10^scale, so nothing ever passes through
// a binary floating-point number (issue 14: money is never Number arithmetic). Display rounding is half-even, as
// the API rounds `value` and `total`.

const PATTERN = /^(-?)(\d+)(?:\.(\d+))?$/;

/** The decimal string `text` as `{units, scale}` (units × 10^-scale), or null when it is not a decimal. */
export function parse(text) {
  if (typeof text !== 'string') return null;
  const match = PATTERN.exec(text.trim());
  if (!match) return null;
  const fraction = match[3] || '';
  const units = BigInt(match[2] + fraction);
  return { units: match[1] ? -units : units, scale: fraction.length };
}

function rescale(value, scale) {
  return value.units * 10n ** BigInt(scale - value.scale);
}

function aligned(a, b) {
  const scale = Math.max(a.scale, b.scale);
  return [rescale(a, scale), rescale(b, scale), scale];
}

/** The canonical decimal string of `{units, scale}`: no trailing fraction zeros, no "-0". */
export function toText(value) {
  const negative = value.units < 0n;
  let digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, '0');
  let text = digits;
  if (value.scale > 0) {
    const whole = digits.slice(0, digits.length - value.scale);
    const fraction = digits.slice(digits.length - value.scale).replace(/0+$/, '');
    text = fraction ? `${whole}.${fraction}` : whole;
  }
  return negative && /[1-9]/.test(text) ? `-${text}` : text;
}

/** a - b, exact; null when either is not a decimal. */
export function subtract(a, b) {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return null;
  const [p, q, scale] = aligned(x, y);
  return toText({ units: p - q, scale });
}

/** The exact sum of decimal strings; null when any of them is not a decimal (an unknown part makes it unknown). */
export function sum(values) {
  let total = { units: 0n, scale: 0 };
  for (const text of values) {
    const value = parse(text);
    if (!value) return null;
    const [p, q, scale] = aligned(total, value);
    total = { units: p + q, scale };
  }
  return toText(total);
}

/** -1, 0 or 1 as a < b, a = b, a > b; null when either is not a decimal. */
export function compare(a, b) {
  const x = parse(a);
  const y = parse(b);
  if (!x || !y) return null;
  const [p, q] = aligned(x, y);
  return p < q ? -1 : p > q ? 1 : 0;
}

/** Divides the BigInt n by the positive BigInt d, rounding half to even. */
function divideHalfEven(n, d) {
  const negative = n < 0n;
  const magnitude = negative ? -n : n;
  let quotient = magnitude / d;
  const remainder = magnitude % d;
  const twice = remainder * 2n;
  if (twice > d || (twice === d && quotient % 2n === 1n)) quotient += 1n;
  return negative ? -quotient : quotient;
}

/** `text` rounded half-even to `digits` decimals, with exactly that many decimals ("1.5" -> "1.50"). */
export function round(text, digits) {
  const value = parse(text);
  if (!value) return null;
  const units = value.scale <= digits
    ? value.units * 10n ** BigInt(digits - value.scale)
    : divideHalfEven(value.units, 10n ** BigInt(value.scale - digits));
  return fixed({ units, scale: digits });
}

function fixed(value) {
  const negative = value.units < 0n;
  const digits = (negative ? -value.units : value.units).toString().padStart(value.scale + 1, '0');
  const whole = digits.slice(0, digits.length - value.scale);
  const fraction = value.scale > 0 ? `.${digits.slice(digits.length - value.scale)}` : '';
  const zero = !/[1-9]/.test(digits);
  return `${negative && !zero ? '-' : ''}${whole}${fraction}`;
}

/**
 * (now - then) / then × 100, rounded half-even to `digits` decimals; null when either is unknown or `then` is zero
 * or negative (no meaningful percent).
 */
export function percentChange(then, now, digits = 2) {
  const x = parse(then);
  const y = parse(now);
  if (!x || !y || x.units <= 0n) return null;
  const [p, q] = aligned(x, y);
  // (q - p) × 100 / p at `digits` decimals: scale the numerator by 10^digits before the integer division.
  const scaled = (q - p) * 100n * 10n ** BigInt(digits);
  return fixed({ units: divideHalfEven(scaled, p), scale: digits });
}

/** part / whole × 100 rounded half-even to `digits` decimals; null when unknown or `whole` is not positive. */
export function percentOf(part, whole, digits = 2) {
  const x = parse(part);
  const y = parse(whole);
  if (!x || !y || y.units <= 0n) return null;
  const [p, q] = aligned(x, y);
  return fixed({ units: divideHalfEven(p * 100n * 10n ** BigInt(digits), q), scale: digits });
}

/** `text` with its whole part grouped in thousands ("1234567.5" -> "1,234,567.5"); the digits are kept as they are. */
export function group(text) {
  const match = PATTERN.exec(String(text));
  if (!match) return String(text);
  const whole = match[2].replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${match[1]}${whole}${match[3] !== undefined ? `.${match[3]}` : ''}`;
}
