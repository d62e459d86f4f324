-- Portfolio value and history (issue 13). Prices come from the connected exchanges' public market data; values
-- are computed from them in each user's valuation currency; quantities and values are kept over time.

-- The currency a user's portfolio is valued in: USD, EUR, GBP, CHF, JPY, CAD, AUD or BTC.
ALTER TABLE users ADD COLUMN currency TEXT NOT NULL DEFAULT 'USD';

-- Each exchange's markets whose ticker names them by an id that cannot be split into assets (Binance
-- `BTCUSDT`, Kraken `XXBTZUSD`, Bybit `BTCUSDT`): market id -> canonical base and quote asset. Replaced whole
-- when the exchange's market list is read again (at most once a day per exchange).
CREATE TABLE market_pairs (
    exchange TEXT NOT NULL,
    market   TEXT NOT NULL,
    base     TEXT NOT NULL,
    quote    TEXT NOT NULL,
    PRIMARY KEY (exchange, market)
);

-- The last price of each exchange market Holdfast may need (a market whose base and quote are both an asset
-- someone holds, a bridge currency or a valuation currency): `price` units of `quote` for one `base`, a
-- canonical decimal string. `as_of` is the exchange's time for the quote when it gives one, else when it
-- was received; `raw` is the quote as the exchange sent it (one row of its answer, JSON).
CREATE TABLE market_quotes (
    exchange   TEXT NOT NULL,
    market     TEXT NOT NULL,
    base       TEXT NOT NULL,
    quote      TEXT NOT NULL,
    price      TEXT NOT NULL,
    as_of      TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    raw        TEXT NOT NULL,
    PRIMARY KEY (exchange, market)
);
CREATE INDEX market_quotes_pair ON market_quotes(base, quote);

-- Each exchange's market data reads: when the last one was tried and when one last succeeded (a failing market
-- endpoint leaves its quotes in place to go stale), and when its market list was last read.
CREATE TABLE market_fetches (
    exchange           TEXT PRIMARY KEY,
    attempted_at       TEXT NOT NULL,
    succeeded_at       TEXT,
    error_code         TEXT,
    pairs_refreshed_at TEXT
);

-- One asset's unit price in one valuation currency over time, so a statement of a past instant can value
-- that instant's quantities. Recorded with the value points and thinned like them (`resolution`).
CREATE TABLE asset_prices (
    asset      TEXT NOT NULL,
    currency   TEXT NOT NULL,
    at         TEXT NOT NULL,
    price      TEXT NOT NULL,
    source     TEXT NOT NULL,
    resolution TEXT NOT NULL DEFAULT '5m' CHECK (resolution IN ('5m', '1h', '1d')),
    PRIMARY KEY (asset, currency, at)
) WITHOUT ROWID;
CREATE INDEX asset_prices_thinning ON asset_prices(resolution, at);

-- A connection's balances after a successful sync: JSON [{"asset":"BTC","amount":"0.5"}] sorted by asset,
-- recorded in the sync's transaction when they changed, and at least once a day; after 90 days only the last of
-- each UTC day is kept (a statement of a day's end stays exact). Kept when the connection is deleted (a statement
-- of a past instant still counts what it held then); deleted with the user.
CREATE TABLE quantity_snapshots (
    user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    connection_id TEXT NOT NULL,
    exchange      TEXT NOT NULL,
    taken_at      TEXT NOT NULL,
    balances      TEXT NOT NULL,
    PRIMARY KEY (connection_id, taken_at)
) WITHOUT ROWID;
CREATE INDEX quantity_snapshots_user ON quantity_snapshots(user_id, connection_id, taken_at);

-- A user's total value at one instant in `currency` (NULL when nothing could be valued), `complete` when every
-- connection was synced and every asset priced. `detail` is JSON: {"exchanges":{"binance":"123.45"},
-- "stale":[connection ids],"failed":[ids],"paused":[ids],"unpricedCount":0,"staleCount":0}. At most one point
-- per user per 5 minutes; older points are thinned to one an hour and then one a day (`resolution`).
CREATE TABLE value_points (
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    currency   TEXT NOT NULL,
    total      TEXT,
    complete   INTEGER NOT NULL CHECK (complete IN (0, 1)),
    resolution TEXT NOT NULL DEFAULT '5m' CHECK (resolution IN ('5m', '1h', '1d')),
    detail     TEXT NOT NULL,
    PRIMARY KEY (user_id, at)
) WITHOUT ROWID;
CREATE INDEX value_points_thinning ON value_points(resolution, at);
