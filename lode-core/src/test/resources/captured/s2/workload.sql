CREATE TABLE docs (id bigint PRIMARY KEY, title text, big text);
INSERT INTO docs SELECT 10, 'first', string_agg(md5(i::text), '') FROM generate_series(1, 3200) i;
UPDATE docs SET title = 'renamed' WHERE id = 10;
UPDATE docs SET big = 'small now' WHERE id = 10;
ALTER TABLE docs REPLICA IDENTITY FULL;
INSERT INTO docs SELECT 11, 'second', string_agg(md5((i*7)::text), '') FROM generate_series(1, 3200) i;
UPDATE docs SET title = 'full-renamed' WHERE id = 11;
DELETE FROM docs WHERE id = 11;
UPDATE docs SET title = NULL WHERE id = 10;
