CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE all_types (
  id integer PRIMARY KEY,
  c_small smallint,
  c_int integer,
  c_big bigint,
  c_num numeric(12,2),
  c_numfree numeric,
  c_real real,
  c_double double precision,
  c_bool boolean,
  c_text text,
  c_varchar varchar(30),
  c_char char(5),
  c_uuid uuid,
  c_date date,
  c_time time,
  c_ts timestamp,
  c_tstz timestamptz,
  c_json json,
  c_jsonb jsonb,
  c_bytea bytea,
  c_intarr int[],
  c_textarr text[],
  c_mood mood,
  c_interval interval,
  c_oid oid,
  "Col ""Q"" é" text
);
INSERT INTO all_types VALUES (
  1, 32767, -2147483648, 9223372036854775807, 1.5, 12345678901234567890.123456789, 1.5, 0.1, true,
  E'h\u00e9llo "quoted" back\\slash\nnew line\ttab \u65e5\u672c \U0001F600 end', 'varchar', 'ab', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  '2024-02-29', '13:14:15.123456', '2024-02-29 13:14:15.5', '2024-02-29 13:14:15.123456+00',
  '{"k": [1, 2], "s": "x\"y"}', '{"b": 2, "a": [true, null]}', '\x0102ff', '{1,2,NULL}', '{"a b","c,d",NULL,"\""}',
  'happy', '1 day 02:03:04', 4294967295, 'weird column');
INSERT INTO all_types (id) VALUES (2);
INSERT INTO all_types (id, c_small, c_int, c_big, c_num, c_numfree, c_real, c_double, c_bool, c_text, c_varchar, c_char, c_tstz)
  VALUES (3, -32768, 2147483647, -9223372036854775808, -1234567890.12, 'NaN', 'NaN', '-Infinity', false, '', '', '', '1970-01-01 00:00:00+00');
INSERT INTO all_types (id, c_num, c_numfree, c_real, c_double, c_big)
  VALUES (4, 0, 1, 3.4028235e38, 1e-300, 0);
INSERT INTO all_types (id, c_numfree, c_real, c_double)
  VALUES (5, ('9' || repeat('8', 1500) || '.' || repeat('7', 600))::numeric, '-0', 1.7976931348623157e308);
