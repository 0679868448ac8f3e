package dev.lode.core.decode;

import java.util.HashMap;
import java.util.Map;

import dev.lode.core.decode.PgType.Kind;
import org.jspecify.annotations.Nullable;

/**
 * Maps PostgreSQL types to {@link PgType}s: by name (wal2json sends {@code format_type} names such as
 * {@code timestamp with time zone}, {@code numeric(12,2)}, {@code integer[]}, or, in format 1 without typmod,
 * {@code typname}s such as {@code timestamptz}, {@code _int4}) and by OID (pgoutput). Types that are not built
 * in (enums, domains, extension types) are text; an array of them is a list of text.
 *
 * @since 0.1.0
 */
final class PgTypes {

	private static final Map<String, Kind> BY_NAME = new HashMap<>();

	private static final Map<Integer, PgType> BY_OID = new HashMap<>();

	private static final Map<Integer, String> NAMES = new HashMap<>();

	static {
		name(Kind.INT4, "smallint", "int2", "integer", "int4", "int");
		name(Kind.INT8, "bigint", "int8", "oid");
		name(Kind.NUMERIC, "numeric", "decimal");
		name(Kind.FLOAT4, "real", "float4");
		name(Kind.FLOAT8, "double precision", "float8");
		name(Kind.BOOL, "boolean", "bool");
		name(Kind.TEXT, "text", "character varying", "varchar", "character", "bpchar", "char", "\"char\"", "name");
		name(Kind.UUID, "uuid");
		name(Kind.DATE, "date");
		name(Kind.TIME, "time without time zone", "time");
		name(Kind.TIMETZ, "time with time zone", "timetz");
		name(Kind.TIMESTAMP, "timestamp without time zone", "timestamp");
		name(Kind.TIMESTAMPTZ, "timestamp with time zone", "timestamptz");
		name(Kind.JSON, "json", "jsonb");
		name(Kind.BYTEA, "bytea");

		oid(16, 1000, Kind.BOOL, "boolean");
		oid(17, 1001, Kind.BYTEA, "bytea");
		oid(18, 1002, Kind.TEXT, "\"char\"");
		oid(19, 1003, Kind.TEXT, "name");
		oid(20, 1016, Kind.INT8, "bigint");
		oid(21, 1005, Kind.INT4, "smallint");
		oid(23, 1007, Kind.INT4, "integer");
		oid(25, 1009, Kind.TEXT, "text");
		oid(26, 1028, Kind.INT8, "oid");
		oid(114, 199, Kind.JSON, "json");
		oid(700, 1021, Kind.FLOAT4, "real");
		oid(701, 1022, Kind.FLOAT8, "double precision");
		oid(1042, 1014, Kind.TEXT, "character");
		oid(1043, 1015, Kind.TEXT, "character varying");
		oid(1082, 1182, Kind.DATE, "date");
		oid(1083, 1183, Kind.TIME, "time without time zone");
		oid(1114, 1115, Kind.TIMESTAMP, "timestamp without time zone");
		oid(1184, 1185, Kind.TIMESTAMPTZ, "timestamp with time zone");
		oid(1266, 1270, Kind.TIMETZ, "time with time zone");
		oid(1700, 1231, Kind.NUMERIC, "numeric");
		oid(2950, 2951, Kind.UUID, "uuid");
		oid(3802, 3807, Kind.JSON, "jsonb");
		oid(1186, 1187, Kind.OTHER, "interval");
		oid(869, 1041, Kind.OTHER, "inet");
		oid(650, 651, Kind.OTHER, "cidr");
		oid(829, 1040, Kind.OTHER, "macaddr");
		oid(142, 143, Kind.OTHER, "xml");
		oid(790, 791, Kind.OTHER, "money");
		oid(1560, 1561, Kind.OTHER, "bit");
		oid(1562, 1563, Kind.OTHER, "bit varying");
		oid(600, 1017, Kind.OTHER, "point");
		oid(3614, 3643, Kind.OTHER, "tsvector");
		oid(3904, 3905, Kind.OTHER, "int4range");
		oid(3926, 3927, Kind.OTHER, "int8range");
		oid(3906, 3907, Kind.OTHER, "numrange");
		oid(3908, 3909, Kind.OTHER, "tsrange");
		oid(3910, 3911, Kind.OTHER, "tstzrange");
		oid(3912, 3913, Kind.OTHER, "daterange");
		BY_OID.put(603, PgType.OTHER);
		NAMES.put(603, "box");
		BY_OID.put(1020, new PgType(Kind.OTHER, true, ';'));
		NAMES.put(1020, "box[]");
	}

	private PgTypes() {
	}

	private static void name(Kind kind, String... names) {
		for (String name : names) {
			BY_NAME.put(name, kind);
		}
	}

	private static void oid(int oid, int arrayOid, Kind kind, String name) {
		BY_OID.put(oid, PgType.of(kind));
		BY_OID.put(arrayOid, PgType.arrayOf(kind));
		NAMES.put(oid, name);
		NAMES.put(arrayOid, name + "[]");
	}

	/**
	 * @param name a type name as wal2json sends it, or {@code null}
	 * @return how to convert values of that type
	 */
	static PgType byName(@Nullable String name) {
		if (name == null) {
			return PgType.OTHER;
		}
		String base = name;
		boolean array = false;
		if (base.endsWith("[]")) {
			array = true;
			while (base.endsWith("[]")) {
				base = base.substring(0, base.length() - 2);
			}
		}
		base = stripTypmod(base);
		if (base.startsWith("pg_catalog.")) {
			base = base.substring("pg_catalog.".length());
		}
		Kind kind = BY_NAME.get(base);
		if (kind == null && !array && base.startsWith("_") && base.length() > 1) {
			// format 1 without typmod sends typname: _int4 is integer[]
			array = true;
			kind = BY_NAME.get(base.substring(1));
		}
		if (kind == null) {
			kind = Kind.OTHER;
		}
		if (array && (base.equals("box") || base.equals("_box"))) {
			return new PgType(Kind.OTHER, true, ';');
		}
		return array ? PgType.arrayOf(kind) : PgType.of(kind);
	}

	private static String stripTypmod(String name) {
		int open = name.indexOf('(');
		if (open < 0) {
			return name;
		}
		int close = name.indexOf(')', open);
		if (close < 0) {
			return name;
		}
		String rest = name.substring(close + 1);
		return (name.substring(0, open).trim() + (rest.isEmpty() ? "" : " " + rest.trim())).trim();
	}

	/**
	 * @param oid a built-in type OID
	 * @return how to convert values of that type, or {@code null} if lode does not know it
	 */
	static @Nullable PgType byOid(int oid) {
		return BY_OID.get(oid);
	}

	/**
	 * @param oid a type OID
	 * @return the type's {@code format_type} name without modifier, or {@code null} if lode does not know it
	 */
	static @Nullable String nameOf(int oid) {
		return NAMES.get(oid);
	}

	/**
	 * The type of a type that is not built in, from its name (pgoutput's Type message): text, or a list of text
	 * when the name starts with {@code _} (PostgreSQL names array types so).
	 * @param name the type name
	 * @return the type
	 */
	static PgType custom(String name) {
		return (name.startsWith("_") && name.length() > 1) ? PgType.arrayOf(Kind.OTHER) : PgType.OTHER;
	}

}
