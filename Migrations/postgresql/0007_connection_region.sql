-- The host a connection's key belongs to (issue 17): OKX and Bybit keys work only on the host of the entity
-- that issued them (exchanges-okx-bybit-bitvavo.md §A.2, §B.1). An `ExchangeRegion` id such as 'eea' or 'nl';
-- NULL means the exchange's default host, which is also what every connection made before this meant.
-- Not a secret: it is shown with the connection. PostgreSQL dialect of ../0007_connection_region.sql.
ALTER TABLE exchange_connections ADD COLUMN region TEXT CHECK (region IS NULL OR length(region) BETWEEN 1 AND 16);
