// How the Portfolio page writes amounts: from the API's decimal strings, grouped in thousands, never through Number.
import { compare, group, parse, round } from './decimal.js';

/** The valuation currencies (openapi.yaml `Currency`), in the order the selector offers them. */
export const CURRENCIES = ['USD', 'EUR', 'GBP', 'CHF', 'JPY', 'CAD', 'AUD', 'BTC'];

/** Decimals a value is shown with: 2, JPY 0, BTC 8 (the API rounds `value` and `total` the same way). */
export function displayDigits(currency) {
  if (currency === 'JPY') return 0;
  if (currency === 'BTC') return 8;
  return 2;
}

/** "—" for an unknown value (null), else the decimal string grouped in thousands ("65,252.10"). */
export function amountText(value) {
  return value === null || value === undefined ? '—' : group(value);
}

/** "65,252.10 USD", or "—" for an unknown value. */
export function moneyText(value, currency) {
  return value === null || value === undefined ? '—' : `${group(value)} ${currency}`;
}

/** An exact value rounded to the currency's display decimals and grouped; "—" when unknown. */
export function roundedMoney(exact, currency) {
  const rounded = exact === null || exact === undefined ? null : round(exact, displayDigits(currency));
  return amountText(rounded);
}

/** A change with its sign: "+1,234.56", "-12.00", "0.00". */
export function signedText(value) {
  if (value === null || value === undefined) return '—';
  const sign = compare(value, '0');
  return `${sign > 0 ? '+' : ''}${group(value)}`;
}

/**
 * A unit price for a table cell: the currency's decimals for a price of 1 or more, else up to 8 decimals without
 * trailing zeros (0.98476291); the exact price goes in the cell's title.
 */
export function priceText(price, currency) {
  if (price === null || price === undefined || !parse(price)) return '—';
  const digits = displayDigits(currency);
  if (compare(price, '1') >= 0) return group(round(price, digits));
  const short = round(price, Math.max(digits, 8)).replace(/(\.\d*?[1-9])0+$/, '$1').replace(/\.0+$/, '');
  return short === '0' ? price : group(short);
}

/** Below this value a priced holding is dust (hidden behind "Show N small balances"): 1, JPY 100, BTC 0.00001. */
export function dustLimit(currency) {
  if (currency === 'JPY') return '100';
  if (currency === 'BTC') return '0.00001';
  return '1';
}

/** The dust rule in words, for the help text. */
export const DUST_RULE = 'Small balances are holdings worth less than 1.00 in your currency (100 JPY, 0.00001 BTC).';

/** Whether an asset of GET /portfolio is dust: priced (or stale) and worth less than the currency's limit. */
export function isDust(asset, currency) {
  if (asset.status === 'unpriced' || asset.valueExact === null || asset.valueExact === undefined) return false;
  return compare(asset.valueExact, dustLimit(currency)) < 0;
}

/**
 * A share (the API's percent string, rounded to 2 decimals) as shown: "12.5 %"; "< 0.01 %" for a holding that has
 * a value but rounds to 0 (a "0 %" beside a value reads as nothing held); "—" when unknown.
 */
export function shareText(share) {
  if (share === null || share === undefined) return '—';
  return /^0(\.0*)?$/.test(String(share)) ? '< 0.01 %' : `${share} %`;
}
