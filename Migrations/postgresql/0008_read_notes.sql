-- What the last successful read of a connection noticed but did not count (issue 17): a Bybit or OKX debt
-- (borrowed coins are not holdings, but the debt stays visible), funds in places Holdfast does not read (Bybit
-- trading bots), receipts of staked coins (OKX BETH). A JSON array of sentences, written with the holdings in
-- the sync's transaction; NULL before the first read. Never money that is counted, never a secret.
-- PostgreSQL dialect of ../0008_read_notes.sql.
ALTER TABLE exchange_connections ADD COLUMN read_notes TEXT;
