package dev.lode.core.decode;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.lode.core.ChangeKind;
import dev.lode.core.WatchedTable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** wal2json server-side filter options derived from watched tables; decoder selection. */
class Wal2JsonFilterTest {

	private static WatchedTable watch(String schema, String table, ChangeKind... kinds) {
		return new WatchedTable(schema, table, kinds.length == 0 ? Set.of() : EnumSet.of(kinds[0], kinds));
	}

	@Test
	void tablesAreEscapedForWal2JsonListsButQuotesAreLeftToTheLoop() {
		Wal2JsonFilter filter = Wal2JsonFilter.of(List.of(watch("public", "my table"), watch("public", "a.b"),
				watch("public", "c,d"), watch("Other Schema", "Mixed"), watch(null, "it's"), watch("s", "x*\\y"),
				watch("public", "tab\there")));
		assertThat(filter.options(2)).containsExactly(Map.entry("add-tables",
				"public.my\\ table,public.a\\.b,public.c\\,d,Other\\ Schema.Mixed,*.it's,s.x\\*\\\\y,public.tab\\\there"));
	}

	@Test
	void actionsAreTheUnionOfKindsAndFormatOneHasNoTruncate() {
		Wal2JsonFilter filter = Wal2JsonFilter.of(List.of(watch("s", "a", ChangeKind.INSERT),
				watch("s", "b", ChangeKind.DELETE, ChangeKind.TRUNCATE)));
		assertThat(filter.options(2)).containsEntry("actions", "insert,delete,truncate");
		assertThat(filter.options(1)).containsEntry("actions", "insert,delete");
		assertThat(Wal2JsonFilter.of(List.of(watch("s", "a", ChangeKind.TRUNCATE))).options(1))
			.containsEntry("actions", "");
		// all kinds: no actions option
		assertThat(Wal2JsonFilter.of(List.of(watch("s", "a"))).options(2)).containsOnlyKeys("add-tables");
		assertThat(Wal2JsonFilter.of(List.of(watch("s", "a", ChangeKind.INSERT, ChangeKind.UPDATE,
				ChangeKind.DELETE))).options(1)).containsOnlyKeys("add-tables");
	}

	@Test
	void anEntryForAllTablesOrNoEntryMeansNoAddTables() {
		assertThat(Wal2JsonFilter.of(List.of()).options(2)).isEmpty();
		assertThat(Wal2JsonFilter.of(List.of(watch("s", "a", ChangeKind.INSERT), watch(null, null, ChangeKind.UPDATE)))
			.options(2)).containsExactly(Map.entry("actions", "insert,update"));
	}

	@Test
	void outputFormatCreatesTheDecoders() {
		List<WatchedTable> tables = List.of(watch("public", "orders", ChangeKind.INSERT));
		WalDecoder v1 = OutputFormat.WAL2JSON_V1.create(tables, null, "s1");
		assertThat(v1).isInstanceOf(Wal2JsonV1Decoder.class);
		assertThat(v1.slotOptions()).containsEntry("add-tables", "public.orders").containsEntry("actions", "insert");
		assertThat(OutputFormat.WAL2JSON_V2.create(tables, null, "s1").slotOptions())
			.containsEntry("format-version", "2").containsEntry("add-tables", "public.orders");
		PgOutputDecoder pgoutput = (PgOutputDecoder) OutputFormat.PGOUTPUT.create(tables, null, "my_slot");
		assertThat(pgoutput.publication()).isEqualTo("lode_my_slot");
		assertThat(((PgOutputDecoder) OutputFormat.PGOUTPUT.create(tables, "Their Pub")).publication())
			.isEqualTo("Their Pub");
		assertThat(OutputFormat.defaultPublicationName("x".repeat(63))).hasSize(63).startsWith("lode_");
		assertThat(OutputFormat.PGOUTPUT.plugin()).isEqualTo("pgoutput");
		assertThat(OutputFormat.WAL2JSON_V1.plugin()).isEqualTo("wal2json");
	}

}
