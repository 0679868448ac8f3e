CREATE DOMAIN money_amount AS numeric(10,3);
CREATE DOMAIN big_id AS bigint;
CREATE TABLE domains (id big_id PRIMARY KEY, amount money_amount, d double precision, r real, ts timestamptz);
INSERT INTO domains VALUES (7, 12.5, '-0', 'Infinity', '2024-07-01 12:00:00+00');
INSERT INTO domains VALUES (8, NULL, 'NaN', '1e-45', '2024-01-01 12:00:00+00');
