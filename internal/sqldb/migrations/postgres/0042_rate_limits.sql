-- Rate limits of the public endpoints: accepted requests counted per key
-- (a keyed hash of the client address, or the form) and per minute, in the
-- database so that several processes share them.
CREATE TABLE rate_counters (
    key          TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    count        INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_counters_window ON rate_counters (window_start);
