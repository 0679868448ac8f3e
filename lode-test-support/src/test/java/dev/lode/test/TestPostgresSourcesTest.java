package dev.lode.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@value TestPostgres#JDBC_URL_ENV} source and its error messages, exercised against the shared server. */
@WithPostgres
class TestPostgresSourcesTest {

    @Test
    void jdbcUrlSourceUsesAnExistingServer(TestPostgres pg) {
        TestPostgres viaEnv = TestPostgres.create(Map.of(
                TestPostgres.JDBC_URL_ENV, pg.jdbcUrl("postgres"),
                TestPostgres.USERNAME_ENV, pg.username(),
                TestPostgres.PASSWORD_ENV, pg.password()));
        assertThat(viaEnv.isLocalCluster()).isFalse();
        assertThat(viaEnv.binDir()).isNull();
        assertThat(viaEnv.port()).isEqualTo(pg.port());
        assertThat(viaEnv.describe()).startsWith("server from LODE_TEST_JDBC_URL PostgreSQL ")
                .doesNotContain("password");
        assertThat(viaEnv.queryForString("postgres", "SHOW wal_level")).isEqualTo("logical");
        assertThatThrownBy(viaEnv::restart).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void wrongPasswordFailsClearlyWithoutShowingIt(TestPostgres pg) {
        assertThatThrownBy(() -> TestPostgres.create(Map.of(
                TestPostgres.JDBC_URL_ENV, pg.jdbcUrl("postgres"),
                TestPostgres.USERNAME_ENV, pg.username(),
                TestPostgres.PASSWORD_ENV, "s3cret-wrong")))
                .isInstanceOf(TestPostgresUnavailableException.class)
                .hasMessageContaining("LODE_TEST_PASSWORD")
                .hasMessageContaining("password authentication failed")
                .message().doesNotContain("s3cret-wrong");
    }

    @Test
    void nonSuperuserIsRejected(TestPostgres pg) {
        String role = "lode_plain_" + System.nanoTime();
        pg.execute("postgres", "create role " + role + " login password 'plain'");
        try {
            assertThatThrownBy(() -> TestPostgres.create(Map.of(
                    TestPostgres.JDBC_URL_ENV, pg.jdbcUrl("postgres"),
                    TestPostgres.USERNAME_ENV, role,
                    TestPostgres.PASSWORD_ENV, "plain")))
                    .isInstanceOf(TestPostgresUnavailableException.class)
                    .hasMessageContaining("not a superuser");
        } finally {
            pg.execute("postgres", "drop role " + role);
        }
    }

    @Test
    void malformedJdbcUrlIsRejected() {
        assertThatThrownBy(() -> TestPostgres.create(Map.of(TestPostgres.JDBC_URL_ENV, "jdbc:mysql://x/y")))
                .isInstanceOf(TestPostgresUnavailableException.class)
                .hasMessageContaining("not a PostgreSQL JDBC URL");
    }

    @Test
    void unavailableIsAFailureNotAnAbort() {
        // opentest4j's TestAbortedException would make JUnit skip the test; ours must not be one.
        assertThat(new TestPostgresUnavailableException("x")).isInstanceOf(IllegalStateException.class);
        assertThat(org.opentest4j.TestAbortedException.class.isAssignableFrom(TestPostgresUnavailableException.class))
                .isFalse();
    }
}
