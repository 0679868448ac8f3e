package dev.lode.spring;

import dev.lode.spring.listener.ChangedColumns;
import java.math.BigDecimal;
import java.util.Map;

import dev.lode.core.ChangeKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChangedColumnsTests {

	@Test
	void anInsertChangesEveryColumnOfTheNewRow() {
		assertThat(ChangedColumns.of(Changes.insert("orders", "id", 1, "status", "new"))).containsExactly("id",
				"status");
		assertThat(ChangedColumns.isChanged(Changes.insert("orders", "id", 1), "id")).isTrue();
		assertThat(ChangedColumns.isChanged(Changes.insert("orders", "id", 1), "status")).isFalse();
	}

	@Test
	void anUpdateChangesTheColumnsWhoseOldValueIsKnownAndDiffers() {
		// REPLICA IDENTITY FULL: every old value is known
		var full = Changes.update("orders", Changes.map("id", 1, "status", "paid", "amount", new BigDecimal("1.50")),
				Changes.map("id", 1, "status", "new", "amount", new BigDecimal("1.5")));
		assertThat(ChangedColumns.of(full)).containsExactly("status");
		assertThat(ChangedColumns.isChanged(full, "status")).isTrue();
		assertThat(ChangedColumns.isChanged(full, "amount")).as("numbers compare by value").isFalse();
	}

	@Test
	void withTheDefaultReplicaIdentityOnlyAChangedKeyIsKnown() {
		var keyOnly = Changes.update("orders", Changes.map("id", 2, "status", "paid"), Changes.map("id", 1));
		assertThat(ChangedColumns.of(keyOnly)).containsExactly("id");
		assertThat(ChangedColumns.isChanged(keyOnly, "status")).isFalse();
		var noOld = Changes.update("orders", Changes.map("id", 1, "status", "paid"), Map.of());
		assertThat(ChangedColumns.of(noOld)).isEmpty();
	}

	@Test
	void anUnchangedToastedColumnAbsentFromTheNewValuesIsNotChanged() {
		var toasted = Changes.update("orders", Changes.map("id", 1), Changes.map("id", 1, "note", "long text"));
		assertThat(ChangedColumns.isChanged(toasted, "note")).isFalse();
		assertThat(ChangedColumns.of(toasted)).isEmpty();
	}

	@Test
	void byteArraysCompareByContent() {
		var same = Changes.update("files", Changes.map("id", 1, "data", new byte[] { 1, 2 }),
				Changes.map("id", 1, "data", new byte[] { 1, 2 }));
		assertThat(ChangedColumns.of(same)).isEmpty();
	}

	@Test
	void aNullAndAValueDiffer() {
		var change = Changes.update("orders", Changes.map("id", 1, "status", null), Changes.map("id", 1, "status", "x"));
		assertThat(ChangedColumns.of(change)).containsExactly("status");
	}

	@Test
	void aDeleteChangesTheOldColumnsAndATruncateNone() {
		assertThat(ChangedColumns.of(Changes.delete("orders", "id", 1))).containsExactly("id");
		var truncate = Changes.change("orders", ChangeKind.TRUNCATE, Map.of(), Map.of(), Changes.TX);
		assertThat(ChangedColumns.of(truncate)).isEmpty();
		assertThat(ChangedColumns.isChanged(truncate, "id")).isFalse();
	}

}
