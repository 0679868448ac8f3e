package dev.lode.core.replication;

import java.lang.reflect.Field;

/**
 * Checks that the pgjdbc driver on the classpath has what lode needs: {@code withAutomaticFlush(false)},
 * added in 42.7.6. Without it the driver acknowledges positions on its own, before listeners ran.
 *
 * @since 0.1.0
 */
public final class DriverVersion {

	/** The lowest pgjdbc version lode supports. */
	public static final String MINIMUM = "42.7.6";

	private static final int[] MINIMUM_PARTS = { 42, 7, 6 };

	private DriverVersion() {
	}

	/**
	 * @return the version of the driver on the classpath, read at run time
	 */
	public static String current() {
		return field("DRIVER_VERSION", String.class);
	}

	/**
	 * Fails when the driver is older than {@link #MINIMUM}.
	 * @throws ReplicationSetupException if the driver is too old
	 */
	public static void check() {
		int[] actual = { field("MAJOR_VERSION", Integer.class), field("MINOR_VERSION", Integer.class),
				field("PATCH_VERSION", Integer.class) };
		check(actual, current());
	}

	static void check(int[] actual, String text) {
		for (int i = 0; i < MINIMUM_PARTS.length; i++) {
			if (actual[i] != MINIMUM_PARTS[i]) {
				if (actual[i] < MINIMUM_PARTS[i]) {
					throw new ReplicationSetupException("lode needs the PostgreSQL JDBC driver " + MINIMUM
							+ " or later, but org.postgresql:postgresql " + text + " is on the classpath",
							"Use org.postgresql:postgresql " + MINIMUM + " or later, e.g. set the Maven property "
									+ "<postgresql.version>42.7.11</postgresql.version> or upgrade Spring Boot");
				}
				return;
			}
		}
	}

	private static <T> T field(String name, Class<T> type) {
		try {
			// read reflectively: the constants would otherwise be inlined at lode's compile time
			Field field = Class.forName("org.postgresql.util.DriverInfo").getField(name);
			return type.cast(field.get(null));
		}
		catch (ReflectiveOperationException ex) {
			throw new ReplicationSetupException("The PostgreSQL JDBC driver (org.postgresql:postgresql) is missing or"
					+ " unreadable: " + ex, "Add org.postgresql:postgresql " + MINIMUM + " or later to the classpath",
					ex);
		}
	}

}
