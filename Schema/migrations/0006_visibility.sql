-- Docket schema, version 6: what readers lose sight of, visibility epochs, tombstone purging.

-- Everyone's visibility epoch (raised when every reader may newly see entities that did not
-- change: a series made public), and the highest version whose tombstones have been purged.
ALTER TABLE clock ADD COLUMN visibility_epoch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clock ADD COLUMN purged_through INTEGER NOT NULL DEFAULT 0;

-- One person's visibility epoch, raised when they may newly see entities that did not change
-- (joined a series, became an organizer) or see them differently (no longer an organizer):
-- their next pull with an older cursor is a reset. A cursor carries clock + person epochs.
CREATE TABLE reader_epoch (
    person_id TEXT PRIMARY KEY,
    epoch INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Entities a reader lost sight of at `version` although they still exist, so that reader's
-- next pull carries them as deletions. person_id '' stands for every reader (a series made
-- members-only): each reader who cannot see the entity now gets the deletion.
CREATE TABLE lost_sight (
    version INTEGER NOT NULL,
    person_id TEXT NOT NULL,
    type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    changed_at INTEGER NOT NULL,
    PRIMARY KEY (person_id, version, type, entity_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX lost_sight_version ON lost_sight(version);
CREATE INDEX change_purge ON change(deleted, changed_at) WHERE deleted = 1;
