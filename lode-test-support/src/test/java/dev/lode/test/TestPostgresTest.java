package dev.lode.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@WithPostgres
class TestPostgresTest {

    @BeforeAll
    static void injectedIntoLifecycleMethods(TestPostgres pg) {
        assertThat(pg).isNotNull();
    }

    @Test
    void sharedInstance(TestPostgres pg) {
        assertThat(TestPostgres.get()).isSameAs(pg);
        assertThat(pg.jdbcUrl("foo")).isEqualTo("jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/foo");
        assertThat(pg.describe()).contains("PostgreSQL").contains(pg.host() + ":" + pg.port());
    }

    @Test
    void walLevelIsLogical(TestPostgres pg) {
        assertThat(pg.queryForString("postgres", "SHOW wal_level")).isEqualTo("logical");
        assertThat(pg.queryForString("postgres", "select rolsuper::text from pg_roles where rolname = current_user"))
                .isEqualTo("true");
    }

    @Test
    void wal2jsonSlotCanBeCreatedUsedAndDropped(TestPostgres pg) throws SQLException {
        String db = pg.createDatabase("wal2json");
        String slot = "lode_test_slot_" + System.nanoTime();
        pg.execute(db, "create table t (id int primary key, name text)",
                "select pg_create_logical_replication_slot('" + slot + "', 'wal2json')",
                "insert into t values (1, 'one')");
        try (Connection c = pg.connect(db); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select data from pg_logical_slot_get_changes('" + slot
                        + "', null, null, 'format-version', '2')")) {
            StringBuilder all = new StringBuilder();
            while (rs.next()) {
                all.append(rs.getString(1)).append('\n');
            }
            assertThat(all.toString()).contains("\"action\":\"I\"").contains("\"table\":\"t\"").contains("one");
        }
        pg.execute(db, "select pg_drop_replication_slot('" + slot + "')");
        assertThat(pg.queryForString(db, "select count(*) from pg_replication_slots where slot_name = '" + slot + "'"))
                .isEqualTo("0");
    }

    @Test
    void createDatabaseGivesFreshUniqueDatabases(TestPostgres pg) throws SQLException {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            names.add(pg.createDatabase("My-Test"));
        }
        assertThat(names).hasSize(3).allMatch(n -> n.matches("my_test_\\d+_[0-9a-f]{6}"));
        for (String db : names) {
            try (Connection c = pg.connect(db)) {
                assertThat(c.getAutoCommit()).isTrue();
                assertThat(c.getCatalog()).isEqualTo(db);
            }
            assertThat(pg.queryForString(db, "select count(*) from pg_tables where schemaname = 'public'"))
                    .isEqualTo("0");
        }
        assertThat(pg.queryForString("postgres", "select 1 where false")).isNull();
    }

    @Test
    void setParameterTakesEffectAndResetUndoesIt(TestPostgres pg) {
        String original = pg.queryForString("postgres", "SHOW wal_sender_timeout");
        pg.setParameter("wal_sender_timeout", "2s");
        try {
            assertThat(pg.queryForString("postgres", "SHOW wal_sender_timeout")).isEqualTo("2s");
        } finally {
            pg.resetParameter("wal_sender_timeout");
        }
        assertThat(pg.queryForString("postgres", "SHOW wal_sender_timeout")).isEqualTo(original);
        assertThatThrownBy(() -> pg.setParameter("x; drop table y", "1"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void restartKeepsTheServerUsable(TestPostgres pg) throws SQLException {
        if (!pg.isLocalCluster()) {
            assertThatThrownBy(pg::restart).isInstanceOf(UnsupportedOperationException.class);
            return;
        }
        assertThat(pg.binDir()).isNotNull();
        assertThat(Files.isExecutable(pg.binDir().resolve("pg_recvlogical"))).isTrue();
        String db = pg.createDatabase("restart");
        pg.execute(db, "create table kept (v text)", "insert into kept values ('before')",
                "select pg_create_logical_replication_slot('lode_restart_slot', 'wal2json')");
        int port = pg.port();
        try (Connection open = pg.connect(db)) {
            pg.restart();
            assertThat(open.isValid(2)).isFalse();
        }
        assertThat(pg.port()).isEqualTo(port);
        assertThat(pg.queryForString(db, "select v from kept")).isEqualTo("before");
        assertThat(pg.queryForString(db, "SHOW wal_level")).isEqualTo("logical");
        assertThat(pg.queryForString(db, "select count(*) from pg_replication_slots where slot_name = 'lode_restart_slot'"))
                .isEqualTo("1");
        pg.execute(db, "select pg_drop_replication_slot('lode_restart_slot')");
    }
}
