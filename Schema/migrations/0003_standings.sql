-- Docket schema, version 3: each series' pairwise preferences, kept one ballot at a time.

-- weight = the number of ballots that list suggestion a with b in a's tie group or an earlier one
-- (a = b: the ballots listing a). Voters preferring a to b = weight(a, a) - weight(a, b).
-- Pairs never listed together have no row. Rows of closed suggestions are dropped.
CREATE TABLE standing_pair (
    series_id TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    weight INTEGER NOT NULL CHECK (weight >= 0),
    PRIMARY KEY (series_id, a, b)
) STRICT, WITHOUT ROWID;
CREATE INDEX standing_pair_b ON standing_pair(series_id, b);

-- When the standing must be written again (a ballot or the candidates changed); the standing
-- service recounts from standing_pair at most once a second per series.
CREATE TABLE standing_dirty (
    series_id TEXT PRIMARY KEY REFERENCES series(id) ON DELETE CASCADE,
    since INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
