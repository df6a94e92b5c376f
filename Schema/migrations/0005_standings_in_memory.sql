-- Docket schema, version 5: the standings' pairwise matrices live in the server's memory.
--
-- The standing service keeps each series' matrix in memory and applies each
-- changed ballot's difference, finding the changes in the change log; it
-- recounts from the ballots once when the server starts. The stored pairs
-- and dirty marks of version 3 made every ballot write O(listed²) rows.
DROP TABLE standing_pair;
DROP TABLE standing_dirty;
