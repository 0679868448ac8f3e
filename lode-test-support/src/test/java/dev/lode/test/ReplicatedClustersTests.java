package dev.lode.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** A primary with a streaming standby: replication, failover by promotion, and (PostgreSQL 17+) slot sync. */
class ReplicatedClustersTests {

    @Test
    void standbyStreamsAndTakesOverWhenThePrimaryDies() throws SQLException {
        try (ReplicatedClusters pair = ReplicatedClusters.start()) {
            assertThat(pair.majorVersion()).isPositive();
            assertThat(pair.queryPrimary("postgres", "select current_setting('server_version_num')::int / 10000"))
                    .isEqualTo(Integer.toString(pair.majorVersion()));
            assertThat(pair.queryPrimary("postgres", "select pg_is_in_recovery()::text")).isEqualTo("false");
            assertThat(pair.queryStandby("postgres", "select pg_is_in_recovery()::text")).isEqualTo("true");
            assertThat(pair.queryPrimary("postgres", "select active::text from pg_replication_slots"
                    + " where slot_name = '" + ReplicatedClusters.STANDBY_SLOT + "'")).isEqualTo("true");

            pair.executeOnPrimary("postgres", "create table t (id int primary key, name text)",
                    "insert into t select g, 'row ' || g from generate_series(1, 100) g");
            pair.awaitStandbyReplayed();
            assertThat(pair.queryStandby("postgres", "select count(*) from t")).isEqualTo("100");
            assertThat(pair.queryStandby("postgres", "select name from t where id = 42")).isEqualTo("row 42");
            assertThatThrownBy(() -> pair.queryStandby("postgres", "insert into t values (0, 'x') returning id"))
                    .hasMessageContaining("read-only");
            IdentifiedSystem before = identifySystem(pair.primaryUrl("postgres"), pair);
            assertThat(before.timeline()).isEqualTo(1);
            assertThat(identifySystem(pair.standbyUrl("postgres"), pair)).isEqualTo(before);

            pair.killPrimary();
            assertThatThrownBy(() -> pair.connectPrimary("postgres").close()).isInstanceOf(SQLException.class);
            pair.promoteStandby();

            try (Connection c = DriverManager.getConnection(pair.multiHostUrl("postgres"), pair.username(),
                    pair.password()); Statement st = c.createStatement()) {
                st.execute("insert into t values (101, 'after failover')");
                try (ResultSet rs = st.executeQuery("select count(*), pg_is_in_recovery() from t")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(101);
                    assertThat(rs.getBoolean(2)).isFalse();
                }
            }
            assertThat(pair.queryStandby("postgres", "select name from t where id = 101")).isEqualTo("after failover");
            IdentifiedSystem after = identifySystem(pair.standbyUrl("postgres"), pair);
            assertThat(after.systemId()).isEqualTo(before.systemId());
            assertThat(after.timeline()).isEqualTo(2);
        }
    }

    @Test
    void failoverSlotIsSyncedToTheStandbyOnPostgres17AndLater() throws Exception {
        try (ReplicatedClusters pair = ReplicatedClusters.start()) {
            if (pair.majorVersion() < 17) {
                assertThatThrownBy(() -> pair.awaitSyncedSlot("t_slot"))
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("PostgreSQL 17");
                return;
            }
            assertThat(pair.queryPrimary("postgres", "show synchronized_standby_slots"))
                    .isEqualTo(ReplicatedClusters.STANDBY_SLOT);
            assertThat(pair.queryStandby("postgres", "show sync_replication_slots")).isEqualTo("on");
            pair.executeOnPrimary("postgres", "create table t (id int primary key)",
                    "select pg_create_logical_replication_slot('t_slot', 'test_decoding', false, false, true)");
            long started = System.nanoTime();
            // The standby first copies the slot as a temporary one, reserving its own catalog_xmin and restart_lsn,
            // and persists it once the primary's slot has moved past them: consume (new transactions, a standby
            // snapshot flushed by the next commit) until the standby shows the slot, then a few rounds more.
            long deadline = System.nanoTime() + 60_000_000_000L;
            int round = 0;
            while ("0".equals(pair.queryStandby("postgres",
                    "select count(*) from pg_replication_slots where slot_name = 't_slot'"))) {
                assertThat(System.nanoTime()).as("the standby shows t_slot within 60 s").isLessThan(deadline);
                advance(pair, round++);
                Thread.sleep(100); // the worker naps up to 30 s while there is nothing to sync
            }
            for (int more = 0; more < 3; more++) {
                advance(pair, round++);
            }
            pair.awaitSyncedSlot("t_slot");
            System.out.printf("slot synced %d ms after the first consumption (%d rounds)%n",
                    (System.nanoTime() - started) / 1_000_000, round);
            assertThat(pair.queryStandby("postgres",
                    "select failover::text from pg_replication_slots where slot_name = 't_slot'")).isEqualTo("true");

            pair.killPrimary();
            pair.promoteStandby();
            try (Connection c = pair.connectStandby("postgres"); Statement st = c.createStatement()) {
                st.execute("insert into t values (1000)");
            }
            // the synced slot survives the promotion and decodes the new primary's writes
            String changes = pair.queryStandby("postgres",
                    "select string_agg(data, E'\\n') from pg_logical_slot_get_changes('t_slot', null, null)");
            assertThat(changes).contains("table public.t: INSERT: id[integer]:1000");
        }
    }

    @Test
    void failsOverTwiceOnTheSameMultiHostUrlWithAStandbyRebuiltAfterEachFailover() throws Exception {
        try (ReplicatedClusters pair = ReplicatedClusters.start()) {
            boolean failoverSlot = pair.majorVersion() >= 17;
            String url = pair.multiHostUrl("postgres");
            String firstPrimaryUrl = pair.primaryUrl("postgres");
            String firstStandbyUrl = pair.standbyUrl("postgres");
            writeOn(url, "create table t (id int primary key)");
            writeOn(url, "create table tick (n int)");
            if (failoverSlot) {
                writeOn(url, "select pg_create_logical_replication_slot('t_slot', 'test_decoding', false, false, true)");
            }
            assertThatThrownBy(pair::rebuildStandby).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("failover first");
            int rows = 0;
            for (int failover = 1; failover <= 2; failover++) {
                writeOn(url, "insert into t select g from generate_series(" + (rows + 1) + ", " + (rows + 1000) + ") g");
                rows += 1000;
                if (failoverSlot) {
                    awaitSyncedWhileConsuming(pair, "t_slot");
                }
                pair.awaitStandbyReplayed();
                pair.killPrimary();
                pair.promoteStandby();
                try (Connection c = DriverManager.getConnection(url, pair.username(), pair.password());
                        Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("select count(*), pg_is_in_recovery() from t")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).as("rows on the promoted server").isEqualTo(rows);
                    assertThat(rs.getBoolean(2)).isFalse();
                }
                long started = System.nanoTime();
                pair.rebuildStandby();
                System.out.printf("PostgreSQL %d, failover %d: rebuildStandby took %d ms%n", pair.majorVersion(),
                        failover, (System.nanoTime() - started) / 1_000_000);

                assertThat(pair.multiHostUrl("postgres")).isEqualTo(url);
                // the roles alternate between the two ports
                assertThat(pair.primaryUrl("postgres")).isEqualTo(failover == 1 ? firstStandbyUrl : firstPrimaryUrl);
                assertThat(pair.standbyUrl("postgres")).isEqualTo(failover == 1 ? firstPrimaryUrl : firstStandbyUrl);
                assertThat(pair.queryPrimary("postgres", "select pg_is_in_recovery()::text")).isEqualTo("false");
                assertThat(pair.queryStandby("postgres", "select pg_is_in_recovery()::text")).isEqualTo("true");
                assertThat(pair.queryPrimary("postgres", "select state from pg_stat_replication"
                        + " where application_name = '" + ReplicatedClusters.STANDBY_SLOT + "'")).isEqualTo("streaming");
                assertThat(pair.queryStandby("postgres", "select count(*) from t")).isEqualTo(Integer.toString(rows));
                IdentifiedSystem primary = identifySystem(pair.primaryUrl("postgres"), pair);
                assertThat(primary.timeline()).isEqualTo(1 + failover);
                assertThat(identifySystem(pair.standbyUrl("postgres"), pair)).isEqualTo(primary);
                if (failoverSlot) {
                    assertThat(pair.queryPrimary("postgres", "show synchronized_standby_slots"))
                            .isEqualTo(ReplicatedClusters.STANDBY_SLOT);
                    assertThat(pair.queryStandby("postgres", "show synchronized_standby_slots")).isEmpty();
                    assertThat(pair.queryPrimary("postgres",
                            "select failover::text from pg_replication_slots where slot_name = 't_slot'"))
                            .isEqualTo("true");
                }
            }
            // the standby replays the writes of the third timeline
            writeOn(url, "insert into t values (0)");
            pair.awaitStandbyReplayed();
            assertThat(pair.queryStandby("postgres", "select count(*) from t")).isEqualTo(Integer.toString(rows + 1));
            if (failoverSlot) {
                // the slot made before the first failover decodes the writes of the third timeline
                String changes = pair.queryPrimary("postgres",
                        "select string_agg(data, E'\\n') from pg_logical_slot_get_changes('t_slot', null, null)");
                assertThat(changes).contains("table public.t: INSERT: id[integer]:0");
                // and is synced to the rebuilt standby, ready for a third failover
                awaitSyncedWhileConsuming(pair, "t_slot");
            }
        }
    }

    /** Runs a statement through the multi-host URL, as clients do. */
    private static void writeOn(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, LocalCluster.USER, LocalCluster.PASSWORD);
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /**
     * Consumes the slot on the primary in rounds (new transactions, a standby snapshot) until the standby shows it,
     * a few rounds more, then {@link ReplicatedClusters#awaitSyncedSlot}: the standby persists its copy only once the
     * primary's slot has moved past the copy's own reservations.
     */
    private static void awaitSyncedWhileConsuming(ReplicatedClusters pair, String slot) throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + 60_000_000_000L;
        int round = 0;
        while ("0".equals(pair.queryStandby("postgres",
                "select count(*) from pg_replication_slots where slot_name = '" + slot + "'"))) {
            assertThat(System.nanoTime()).as("the standby shows " + slot + " within 60 s").isLessThan(deadline);
            consume(pair, slot);
            round++;
            Thread.sleep(100); // the worker naps up to 30 s while there is nothing to sync
        }
        for (int more = 0; more < 3; more++) {
            consume(pair, slot);
            round++;
        }
        pair.awaitSyncedSlot(slot);
        System.out.printf("slot %s synced %d ms after the first consumption (%d rounds)%n", slot,
                (System.nanoTime() - started) / 1_000_000, round);
    }

    /** A transaction, a standby snapshot (xl_running_xacts) flushed by another one, then consumes the slot. */
    private static void consume(ReplicatedClusters pair, String slot) {
        pair.executeOnPrimary("postgres", "insert into tick values (1)", "select pg_log_standby_snapshot()", "insert into tick values (2)");
        pair.queryPrimary("postgres", "select count(*) from pg_logical_slot_get_changes('" + slot + "', null, null)");
    }

    /** Writes on the primary, logs and flushes a standby snapshot (xl_running_xacts), consumes t_slot. */
    private static void advance(ReplicatedClusters pair, int round) {
        pair.executeOnPrimary("postgres", "insert into t values (" + (2 * round + 1) + ")",
                "select pg_log_standby_snapshot()", "insert into t values (" + (2 * round + 2) + ")");
        assertThat(pair.queryPrimary("postgres",
                "select count(*) from pg_logical_slot_get_changes('t_slot', null, null)")).isNotEqualTo("0");
    }

    private record IdentifiedSystem(String systemId, int timeline) {
    }

    /** IDENTIFY_SYSTEM over a replication connection: the system identifier and the server's current timeline. */
    private static IdentifiedSystem identifySystem(String url, ReplicatedClusters pair) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", pair.username());
        props.setProperty("password", pair.password());
        props.setProperty("replication", "database");
        props.setProperty("assumeMinServerVersion", "9.4");
        props.setProperty("preferQueryMode", "simple");
        try (Connection c = DriverManager.getConnection(url, props); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("IDENTIFY_SYSTEM")) {
            assertThat(rs.next()).isTrue();
            return new IdentifiedSystem(rs.getString("systemid"), rs.getInt("timeline"));
        }
    }
}
