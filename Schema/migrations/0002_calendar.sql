-- Docket schema, version 2: the calendar's skipped dates and reschedule counts.

-- Cadence dates a series does not meet on (holidays); promotion passes over them.
CREATE TABLE skipped_date (
    series_id TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    local_date TEXT NOT NULL CHECK (local_date GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
    reason TEXT CHECK (length(reason) <= 300),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (series_id, local_date)
) STRICT, WITHOUT ROWID;

-- How often an episode was rescheduled (a calendar's SEQUENCE grows with it).
ALTER TABLE episode ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0 CHECK (sequence >= 0);
