package dev.lode.core.decode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A table as pgoutput described it in a Relation message: names, and for each column its key flag, type and
 * type name (resolved once, when the message arrives).
 *
 * @since 0.1.0
 */
final class PgOutputRelation {

	final String schema;

	final String table;

	final String[] names;

	final boolean[] key;

	final PgType[] types;

	final String[] typeNames;

	/** Type names by column name, in column order (unmodifiable): shared by every change of the relation. */
	Map<String, String> columnTypes = Map.of();

	/**
	 * The columns that identify a row (the key flags), unmodifiable; empty under {@code REPLICA IDENTITY FULL}
	 * (every column is flagged: no key) or {@code NOTHING}.
	 */
	List<String> keyColumns = List.of();

	private PgOutputRelation(String schema, String table, int columns) {
		this.schema = schema;
		this.table = table;
		this.names = new String[columns];
		this.key = new boolean[columns];
		this.types = new PgType[columns];
		this.typeNames = new String[columns];
	}

	/**
	 * Reads the rest of an {@code R} message (after the relation id).
	 * @param in the message
	 * @param customTypes types announced by {@code Y} messages: OID to {namespace, name}
	 * @return the relation
	 */
	static PgOutputRelation read(PgOutputReader in, Map<Integer, String[]> customTypes) {
		String namespace = in.string();
		String table = in.string();
		byte identity = in.int8(); // replica identity setting: the key flags say what is sent
		int count = in.int16();
		if (count < 0) {
			throw new WalDecodeException("pgoutput: negative column count");
		}
		PgOutputRelation relation = new PgOutputRelation(namespace.isEmpty() ? "pg_catalog" : namespace, table,
				count);
		for (int i = 0; i < count; i++) {
			relation.key[i] = (in.int8() & 1) != 0;
			relation.names[i] = in.string();
			int oid = in.int32();
			int typmod = in.int32();
			PgType type = PgTypes.byOid(oid);
			String[] custom = customTypes.get(oid);
			if (type == null) {
				type = (custom != null) ? PgTypes.custom(custom[1]) : PgType.OTHER;
			}
			relation.types[i] = type;
			relation.typeNames[i] = typeName(oid, typmod, custom);
		}
		in.end();
		if (identity != 'f') {
			List<String> keys = new ArrayList<>();
			for (int i = 0; i < count; i++) {
				if (relation.key[i]) {
					keys.add(relation.names[i]);
				}
			}
			relation.keyColumns = List.copyOf(keys);
		}
		Map<String, String> columnTypes = new LinkedHashMap<>();
		for (int i = 0; i < count; i++) {
			columnTypes.put(relation.names[i], relation.typeNames[i]);
		}
		relation.columnTypes = Collections.unmodifiableMap(columnTypes);
		return relation;
	}

	/** Like PostgreSQL's {@code format_type}: {@code numeric(12,2)}, {@code character varying(30)}, ... */
	static String typeName(int oid, int typmod, String @Nullable [] custom) {
		String name = PgTypes.nameOf(oid);
		if (name == null) {
			if (custom == null) {
				return Integer.toUnsignedString(oid);
			}
			String typname = custom[1];
			String qualified = custom[0].isEmpty() ? "" : custom[0] + ".";
			return (typname.startsWith("_") && typname.length() > 1) ? qualified + typname.substring(1) + "[]"
					: qualified + typname;
		}
		boolean array = name.endsWith("[]");
		String base = array ? name.substring(0, name.length() - 2) : name;
		String modified = withTypmod(base, typmod);
		return array ? modified + "[]" : modified;
	}

	private static String withTypmod(String base, int typmod) {
		if (typmod < 0) {
			return base;
		}
		switch (base) {
			case "numeric":
				if (typmod >= 4) {
					int t = typmod - 4;
					int scale = ((t & 0x7ff) ^ 1024) - 1024;
					return "numeric(" + ((t >> 16) & 0xffff) + "," + scale + ")";
				}
				return base;
			case "character varying":
			case "character":
			case "bit":
			case "bit varying":
				return (typmod >= 4 && !base.startsWith("bit")) ? base + "(" + (typmod - 4) + ")"
						: base.startsWith("bit") ? base + "(" + typmod + ")" : base;
			case "timestamp without time zone":
			case "timestamp with time zone":
			case "time without time zone":
			case "time with time zone": {
				int space = base.indexOf(' ');
				return base.substring(0, space) + "(" + typmod + ")" + base.substring(space);
			}
			default:
				return base;
		}
	}

}
