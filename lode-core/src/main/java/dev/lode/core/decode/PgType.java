package dev.lode.core.decode;

import java.util.Objects;

/**
 * How a column's text is turned into a Java value: the kind of the type (or of the array's elements), whether it
 * is an array, and the array delimiter.
 *
 * @param kind the value kind (of the elements, for an array)
 * @param array whether the type is an array
 * @param delimiter the array delimiter ({@code ,} for every type but {@code box})
 * @since 0.1.0
 */
record PgType(Kind kind, boolean array, char delimiter) {

	static final PgType TEXT = new PgType(Kind.TEXT, false, ',');

	static final PgType OTHER = new PgType(Kind.OTHER, false, ',');

	PgType {
		Objects.requireNonNull(kind, "kind");
	}

	static PgType of(Kind kind) {
		return new PgType(kind, false, ',');
	}

	static PgType arrayOf(Kind kind) {
		return new PgType(kind, true, ',');
	}

	/**
	 * The Java value a kind turns into.
	 */
	enum Kind {

		/** {@code smallint}, {@code integer}: {@link Integer}. */
		INT4,

		/** {@code bigint}, {@code oid}: {@link Long}. */
		INT8,

		/** {@code numeric}: {@link java.math.BigDecimal}; {@code NaN} and infinities: {@code null}. */
		NUMERIC,

		/** {@code real}: {@link Float}. */
		FLOAT4,

		/** {@code double precision}: {@link Double}. */
		FLOAT8,

		/** {@code boolean}: {@link Boolean}. */
		BOOL,

		/** Character types: {@link String}. */
		TEXT,

		/** {@code uuid}: {@link java.util.UUID}. */
		UUID,

		/** {@code date}: {@link java.time.LocalDate}. */
		DATE,

		/** {@code time}: {@link java.time.LocalTime}. */
		TIME,

		/** {@code timetz}: {@link java.time.OffsetTime} in UTC. */
		TIMETZ,

		/** {@code timestamp}: {@link java.time.LocalDateTime}. */
		TIMESTAMP,

		/** {@code timestamptz}: {@link java.time.OffsetDateTime} in UTC. */
		TIMESTAMPTZ,

		/** {@code json}, {@code jsonb}: the JSON text as a {@link String}. */
		JSON,

		/** {@code bytea}: {@code byte[]}. */
		BYTEA,

		/** Every other type (enums, domains, interval, ...): the text as a {@link String}. */
		OTHER

	}

}
