CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE more_types (
  id integer PRIMARY KEY,
  c_timetz timetz, c_time time, c_date date, c_ts timestamp, c_tstz timestamptz,
  c_name name, c_qchar "char", c_mood mood, c_interval interval, c_inet inet,
  c_numarr numeric[], c_tstzarr timestamptz[], c_nested int[], c_bytearr bytea[], c_uuidarr uuid[],
  c_moodarr mood[], c_boolarr boolean[], c_jsonarr jsonb[], c_datearr date[], c_emptyarr text[], c_bounds int[],
  c_float8arr float8[], c_textarr text[]
);
CREATE TABLE uuid_keyed (id uuid PRIMARY KEY, v text, b bytea);
INSERT INTO more_types VALUES (1, '13:14:15.5+05:30', '24:00:00', 'infinity', '-infinity', 'infinity',
  'nm', 'x', 'ok', '1 year 2 mons 3 days 04:05:06', '192.168.0.1/24',
  '{1.5,NaN,NULL,-0.001}', '{"2024-01-01 00:00:00+00",infinity}', '{{1,2},{3,NULL}}', '{"\\x00ff",NULL,"\\x"}',
  '{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', '{sad,happy}', '{t,f,NULL}', ARRAY['{"a": 1}'::jsonb, '[1, "x,y"]'],
  '{2024-02-29,-infinity}', '{}', '[0:1]={7,8}', '{1.5,-0,Infinity,NaN}', E'{"NULL",NULL,"a\\\\b","{}"," x "}');
INSERT INTO more_types (id, c_timetz, c_time, c_date, c_ts, c_tstz)
  VALUES (2, '00:00:00.000001-03:30', '00:00:00', '0044-03-15 BC', '0044-03-15 12:00:00.25 BC', '0044-03-15 12:00:00+00 BC');
INSERT INTO more_types (id, c_date, c_ts, c_tstz)
  VALUES (3, '10000-01-01', '1900-01-01 00:00:00', '1900-01-01 12:00:00 Europe/Amsterdam');
UPDATE more_types SET c_mood = 'happy', c_bounds = NULL WHERE id = 1;
DELETE FROM more_types WHERE id = 3;
INSERT INTO uuid_keyed VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'v1', '\xdeadbeef');
UPDATE uuid_keyed SET v = 'v2';
UPDATE uuid_keyed SET id = '00000000-0000-0000-0000-000000000001';
DELETE FROM uuid_keyed;
SELECT pg_logical_emit_message(false, 'lode', 'after');
