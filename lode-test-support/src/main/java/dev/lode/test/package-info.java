/**
 * JUnit 5 fixture giving lode's tests a real PostgreSQL with {@code wal_level=logical} and wal2json:
 * {@link dev.lode.test.TestPostgres}, {@link dev.lode.test.WithPostgres} and
 * {@link dev.lode.test.PostgresExtension}.
 */
package dev.lode.test;
