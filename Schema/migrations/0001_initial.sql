-- Docket schema, version 1.
-- Times are INTEGER milliseconds since 1970-01-01 UTC; ids are canonical UUID text.
-- Lists that are only ever read whole (tags, authors, links) are JSON text checked by json_valid.

-- The database's identity (renewed by every restore) and the change-version counter.
CREATE TABLE clock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    database_id TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 0)
) STRICT;

CREATE TABLE person (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    affiliation TEXT CHECK (length(affiliation) <= 300),
    email TEXT CHECK (length(email) <= 300),
    is_admin INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX person_email ON person(lower(email)) WHERE email IS NOT NULL;

CREATE TABLE series (
    id TEXT PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE CHECK (length(slug) BETWEEN 1 AND 64),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description TEXT CHECK (length(description) <= 20000),
    time_zone TEXT NOT NULL,
    rrule TEXT NOT NULL,
    start_date TEXT NOT NULL,
    start_time TEXT NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
    location TEXT,
    stream_url TEXT,
    mailing_list_url TEXT,
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'members')),
    results_visibility TEXT NOT NULL CHECK (results_visibility IN ('live', 'organizers')),
    voting_method TEXT NOT NULL
        CHECK (voting_method IN ('schulze', 'ranked-pairs', 'copeland', 'borda', 'irv', 'approval')),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE membership (
    series_id TEXT NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('member', 'organizer')),
    PRIMARY KEY (series_id, person_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX membership_person ON membership(person_id);

CREATE TABLE paper (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    authors TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(authors) AND json_type(authors) = 'array'),
    venue TEXT,
    year INTEGER CHECK (year BETWEEN 1000 AND 3000),
    doi TEXT UNIQUE,
    arxiv_id TEXT UNIQUE,
    url TEXT,
    pdf_url TEXT,
    code_url TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE suggestion (
    id TEXT PRIMARY KEY,
    series_id TEXT NOT NULL REFERENCES series(id),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    pitch TEXT CHECK (length(pitch) <= 20000),
    tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags) AND json_type(tags) = 'array'),
    proposer_id TEXT NOT NULL REFERENCES person(id),
    status TEXT NOT NULL CHECK (status IN ('open', 'promoted', 'withdrawn', 'declined', 'merged')),
    merged_into TEXT REFERENCES suggestion(id),
    episode_id TEXT REFERENCES episode(id),
    duplicates TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(duplicates)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK ((status = 'merged') = (merged_into IS NOT NULL))
) STRICT;
CREATE INDEX suggestion_series ON suggestion(series_id, status);
CREATE INDEX suggestion_proposer ON suggestion(proposer_id, series_id);

CREATE TABLE suggestion_paper (
    suggestion_id TEXT NOT NULL REFERENCES suggestion(id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position >= 0),
    paper_id TEXT NOT NULL REFERENCES paper(id),
    PRIMARY KEY (suggestion_id, position),
    UNIQUE (suggestion_id, paper_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX suggestion_paper_paper ON suggestion_paper(paper_id);

CREATE TABLE volunteer (
    suggestion_id TEXT NOT NULL REFERENCES suggestion(id) ON DELETE CASCADE,
    person_id TEXT NOT NULL REFERENCES person(id),
    note TEXT CHECK (length(note) <= 2000),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (suggestion_id, person_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX volunteer_person ON volunteer(person_id);

CREATE TABLE ballot (
    id TEXT PRIMARY KEY,
    series_id TEXT NOT NULL REFERENCES series(id),
    voter_id TEXT NOT NULL REFERENCES person(id),
    ranking TEXT NOT NULL CHECK (json_valid(ranking) AND json_type(ranking) = 'array'),
    at INTEGER NOT NULL,
    client_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (series_id, voter_id)
) STRICT;

CREATE TABLE round (
    id TEXT PRIMARY KEY,
    series_id TEXT NOT NULL REFERENCES series(id),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    opens_at INTEGER NOT NULL,
    closes_at INTEGER NOT NULL,
    seats INTEGER NOT NULL CHECK (seats BETWEEN 1 AND 100),
    method TEXT NOT NULL
        CHECK (method IN ('schulze', 'ranked-pairs', 'copeland', 'borda', 'irv', 'approval')),
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    result TEXT CHECK (result IS NULL OR json_valid(result)),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (closes_at >= opens_at)
) STRICT;

CREATE TABLE episode (
    id TEXT PRIMARY KEY,
    series_id TEXT NOT NULL REFERENCES series(id),
    number INTEGER CHECK (number >= 1),
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    starts_at INTEGER NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 1 AND 1440),
    status TEXT NOT NULL CHECK (status IN ('scheduled', 'held', 'cancelled')),
    abstract TEXT CHECK (length(abstract) <= 20000),
    location TEXT,
    stream_url TEXT,
    recording_url TEXT,
    suggestion_id TEXT REFERENCES suggestion(id),
    links TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(links) AND json_type(links) = 'array'),
    related_episode_ids TEXT NOT NULL DEFAULT '[]'
        CHECK (json_valid(related_episode_ids) AND json_type(related_episode_ids) = 'array'),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (status <> 'cancelled' OR number IS NULL)
) STRICT;
CREATE INDEX episode_series ON episode(series_id, starts_at);

CREATE TABLE episode_paper (
    episode_id TEXT NOT NULL REFERENCES episode(id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position >= 0),
    paper_id TEXT NOT NULL REFERENCES paper(id),
    role TEXT NOT NULL CHECK (role IN ('main', 'background', 'further')),
    PRIMARY KEY (episode_id, position),
    UNIQUE (episode_id, paper_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX episode_paper_paper ON episode_paper(paper_id);

CREATE TABLE presenter (
    episode_id TEXT NOT NULL REFERENCES episode(id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position >= 0),
    person_id TEXT NOT NULL REFERENCES person(id),
    role TEXT NOT NULL CHECK (role IN ('presenter', 'guest', 'short-talk', 'discussant')),
    status TEXT NOT NULL CHECK (status IN ('proposed', 'confirmed', 'declined')),
    PRIMARY KEY (episode_id, position),
    UNIQUE (episode_id, person_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX presenter_person ON presenter(person_id);

-- Bearer tokens: only the SHA-256 of the secret is kept.
CREATE TABLE token (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES person(id),
    device TEXT NOT NULL CHECK (length(device) BETWEEN 1 AND 100),
    hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    expires_at INTEGER,
    revoked_at INTEGER
) STRICT;
CREATE INDEX token_person ON token(person_id);

-- Invitation codes: only the SHA-256 of the code is kept; a code works once.
CREATE TABLE invite (
    hash BLOB PRIMARY KEY CHECK (length(hash) = 32),
    series_id TEXT NOT NULL REFERENCES series(id),
    role TEXT NOT NULL CHECK (role IN ('member', 'organizer')),
    created_by TEXT NOT NULL REFERENCES person(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    redeemed_at INTEGER,
    redeemed_by TEXT REFERENCES person(id)
) STRICT, WITHOUT ROWID;

-- One installation of a client: bound to a person, with its last processed mutation.
CREATE TABLE sync_client (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES person(id),
    last_mutation_id INTEGER NOT NULL DEFAULT 0 CHECK (last_mutation_id >= 0),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

-- The remembered outcome of each processed mutation (the last 1,000 per client at least).
CREATE TABLE mutation_result (
    client_id TEXT NOT NULL REFERENCES sync_client(id) ON DELETE CASCADE,
    mutation_id INTEGER NOT NULL CHECK (mutation_id >= 1),
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('applied', 'rejected')),
    problem TEXT CHECK (problem IS NULL OR json_valid(problem)),
    PRIMARY KEY (client_id, mutation_id)
) STRICT, WITHOUT ROWID;

-- The change log: each entity's latest state at the version it last changed.
-- value is the entity's serialized section-5 form, private_value the same with
-- fields only some readers may see (a person's email).
CREATE TABLE change (
    version INTEGER PRIMARY KEY,
    type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    value TEXT,
    private_value TEXT,
    changed_at INTEGER NOT NULL,
    UNIQUE (type, entity_id),
    CHECK (deleted = 1 OR value IS NOT NULL)
) STRICT;

-- Who may see an entity: one row per (series, level) or per owner.
-- level: 'series' (members, everyone when the series is public), 'member',
-- 'organizer', 'results' (members when results are live, else organizers),
-- 'owner' (person_id only).
CREATE TABLE audience (
    type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('series', 'member', 'organizer', 'results', 'owner')),
    series_id TEXT NOT NULL DEFAULT '',
    person_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (type, entity_id, level, series_id, person_id)
) STRICT, WITHOUT ROWID;

-- When each field of an updatable entity last changed, and through which client,
-- for the field-level merge of *.update mutations.
CREATE TABLE field_change (
    type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    field TEXT NOT NULL,
    version INTEGER NOT NULL,
    client_id TEXT,
    PRIMARY KEY (type, entity_id, field)
) STRICT, WITHOUT ROWID;
