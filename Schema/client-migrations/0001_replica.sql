-- Docket client replica, version 1: one SQLite file per installation (WAL).
-- The server is authoritative: `pulled` is what it sent, `outbox` what this installation asked
-- for, and `view` what the user sees (pulled state with the pending mutations applied on top).

-- The installation: its clientID, the server and token it syncs with, and where its sync stands.
CREATE TABLE installation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    client_id TEXT NOT NULL CHECK (length(client_id) = 36),
    server_url TEXT,
    token TEXT,
    person_id TEXT CHECK (person_id IS NULL OR length(person_id) = 36),
    cursor TEXT,
    -- The server's lastMutationID for this client, as last heard (push or pull).
    last_mutation_id INTEGER NOT NULL DEFAULT 0 CHECK (last_mutation_id >= 0),
    -- The lastMutationID of the last completed pull: mutations up to it are part of `pulled`,
    -- the ones after it (unless rejected) are applied on top of it in `view`.
    pulled_through INTEGER NOT NULL DEFAULT 0 CHECK (pulled_through >= 0),
    -- When the last pull page was applied, in milliseconds since 1970 (client clock).
    pulled_at INTEGER
) STRICT;

-- Server entities as last pulled, each at its latest version.
CREATE TABLE pulled (
    type TEXT NOT NULL CHECK (length(type) > 0),
    id TEXT NOT NULL CHECK (length(id) > 0),
    version INTEGER NOT NULL CHECK (version >= 0),
    value TEXT NOT NULL CHECK (json_valid(value)),
    PRIMARY KEY (type, id)
) STRICT, WITHOUT ROWID;

-- The user's view: rebuilt from `pulled` plus the pending outbox after every pull.
-- `local` marks entities a pending mutation created or changed.
CREATE TABLE view (
    type TEXT NOT NULL CHECK (length(type) > 0),
    id TEXT NOT NULL CHECK (length(id) > 0),
    value TEXT NOT NULL CHECK (json_valid(value)),
    local INTEGER NOT NULL DEFAULT 0 CHECK (local IN (0, 1)),
    PRIMARY KEY (type, id)
) STRICT, WITHOUT ROWID;

-- Every mutation this installation made, in order, with what became of it.
-- `settled_by`: 'push' (a push result), 'resend' (a duplicate's original), 'pull' (a pull's
-- lastMutationID, or a duplicate whose outcome the server forgot).
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY CHECK (id >= 1),
    name TEXT NOT NULL CHECK (length(name) > 0),
    args TEXT NOT NULL CHECK (json_valid(args) AND json_type(args) = 'object'),
    at TEXT NOT NULL CHECK (length(at) = 24),
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'applied', 'rejected')),
    settled_by TEXT CHECK (settled_by IN ('push', 'resend', 'pull')),
    problem TEXT CHECK (problem IS NULL OR json_valid(problem)),
    CHECK ((state = 'pending') = (settled_by IS NULL)),
    CHECK (problem IS NULL OR state = 'rejected')
) STRICT;

CREATE INDEX outbox_pending ON outbox(id) WHERE state = 'pending';

-- PROTOCOL section 2: a client's mutation ids start at 1 and increase by exactly 1.
CREATE TRIGGER outbox_ids_follow_on BEFORE INSERT ON outbox
WHEN NEW.id <> (SELECT coalesce(max(id), 0) + 1 FROM outbox)
BEGIN
    SELECT RAISE(ABORT, 'outbox ids must increase by exactly 1');
END;
