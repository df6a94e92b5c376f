-- Docket schema, version 3: each series' standing, kept current one ballot at a time.

-- candidates: the open suggestions in matrix order (creation order, which is also the tie-break);
-- matrix: PairwiseMatrix.storedBytes over them (64-bit little-endian words).
CREATE TABLE standing (
    series_id TEXT PRIMARY KEY REFERENCES series(id) ON DELETE CASCADE,
    candidates TEXT NOT NULL CHECK (json_valid(candidates) AND json_type(candidates) = 'array'),
    matrix BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
