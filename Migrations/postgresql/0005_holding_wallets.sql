-- Where each holding sits on the exchange: one row per wallet and exchange asset id folded into the holding
-- (spot, funding, earn-flexible, staked, profile:<id>, ...). Written with the holdings in the sync's transaction.
-- PostgreSQL dialect of ../0005_holding_wallets.sql.
CREATE TABLE holding_wallets (
    holding_id BIGINT NOT NULL REFERENCES holdings(id) ON DELETE CASCADE,
    wallet     TEXT NOT NULL,
    raw_asset  TEXT NOT NULL,
    free       TEXT NOT NULL,
    locked     TEXT NOT NULL,
    PRIMARY KEY (holding_id, wallet, raw_asset)
);

-- Wallets the key may not read, as the last successful sync found them: JSON [{"wallet","reason","message"}].
-- NULL until a sync records it; "[]" when every wallet was read.
ALTER TABLE exchange_connections ADD COLUMN unread_wallets TEXT;
