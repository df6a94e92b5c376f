-- Docket schema, version 4: what rounds need to count the ballots as they stood at the close.

-- When a suggestion left 'open' (withdrawn, declined, merged, promoted).
ALTER TABLE suggestion ADD COLUMN closed_at INTEGER;
UPDATE suggestion SET closed_at = updated_at WHERE status <> 'open';

-- Every applied state of every ballot, by server time: a round closes over the states at its cutoff.
CREATE TABLE ballot_history (
    id INTEGER PRIMARY KEY,
    ballot_id TEXT NOT NULL REFERENCES ballot(id) ON DELETE CASCADE,
    series_id TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    ranking TEXT NOT NULL CHECK (json_valid(ranking) AND json_type(ranking) = 'array'),
    applied_at INTEGER NOT NULL
) STRICT;
CREATE INDEX ballot_history_ballot ON ballot_history(ballot_id, applied_at);
CREATE INDEX ballot_history_series ON ballot_history(series_id, applied_at);
INSERT INTO ballot_history (ballot_id, series_id, ranking, applied_at) SELECT id, series_id, ranking, updated_at FROM ballot;

-- A closed round's ballots, anonymous and shuffled, each with a receipt its voter can find.
CREATE TABLE round_ballot (
    round_id TEXT NOT NULL REFERENCES round(id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position >= 0),
    ranking TEXT NOT NULL CHECK (json_valid(ranking) AND json_type(ranking) = 'array'),
    receipt TEXT NOT NULL UNIQUE,
    PRIMARY KEY (round_id, position)
) STRICT, WITHOUT ROWID;

-- Which receipt is whose: shown only on the voter's own ballot entity.
CREATE TABLE ballot_receipt (
    ballot_id TEXT NOT NULL REFERENCES ballot(id) ON DELETE CASCADE,
    round_id TEXT NOT NULL REFERENCES round(id) ON DELETE CASCADE,
    receipt TEXT NOT NULL,
    PRIMARY KEY (ballot_id, round_id)
) STRICT, WITHOUT ROWID;
