package dev.lode.core.snapshot;

import java.math.BigInteger;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits a table into key ranges of about equal size for parallel readers, by its primary key's first column: at
 * the bounds of the column's histogram ({@code pg_stats}, once the table was analyzed), else, for an integer
 * column, evenly between its least and greatest value. Range {@code i} holds the keys whose first column is at
 * least split {@code i - 1} and less than split {@code i}; the first range has no lower bound, the last no upper.
 *
 * @since 0.3.0
 */
final class KeyRanges {

	private static final Set<String> INTEGERS = Set.of("smallint", "integer", "bigint");

	private KeyRanges() {
	}

	/**
	 * @param connection a connection (in the snapshot's transaction, for the least and greatest value)
	 * @param table the table
	 * @param parts the ranges wanted
	 * @return the split values (texts of the key's first column, ascending, distinct), at most {@code parts - 1};
	 * empty when the table cannot be split so
	 * @throws SQLException if the catalog or the table cannot be read
	 */
	static List<String> split(Connection connection, SnapshotTable table, int parts) throws SQLException {
		if (parts < 2) {
			return List.of();
		}
		String column = table.keyColumns().get(0);
		List<String> bounds = histogram(connection, table, column);
		if (bounds.size() >= parts) {
			List<String> splits = new ArrayList<>();
			for (int i = 1; i < parts; i++) {
				String bound = bounds.get((int) ((long) i * (bounds.size() - 1) / parts));
				if (!splits.contains(bound)) {
					splits.add(bound);
				}
			}
			return splits;
		}
		String type = table.columns().get(column);
		if (type == null || !INTEGERS.contains(type)) {
			return List.of();
		}
		String quoted = SnapshotTable.quote(column);
		try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("select min("
				+ quoted + ")::text, max(" + quoted + ")::text from " + table.sqlName())) {
			if (!rs.next() || rs.getString(1) == null) {
				return List.of();
			}
			BigInteger min = new BigInteger(rs.getString(1));
			BigInteger span = new BigInteger(rs.getString(2)).subtract(min);
			List<String> splits = new ArrayList<>();
			for (int i = 1; i < parts; i++) {
				String split = min.add(span.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(parts)))
					.toString();
				if (!splits.contains(split) && !split.equals(min.toString())) {
					splits.add(split);
				}
			}
			return splits;
		}
	}

	private static List<String> histogram(Connection connection, SnapshotTable table, String column)
			throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("select histogram_bounds::text::text[]"
				+ " from pg_stats where schemaname = ? and tablename = ? and attname = ?")) {
			statement.setString(1, table.schema());
			statement.setString(2, table.table());
			statement.setString(3, column);
			try (ResultSet rs = statement.executeQuery()) {
				if (!rs.next()) {
					return List.of();
				}
				Array array = rs.getArray(1);
				return (array != null) ? List.of((String[]) array.getArray()) : List.of();
			}
		}
	}

}
