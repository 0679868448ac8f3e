package dev.lode.spring;

import dev.lode.spring.annotation.OldRow;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.annotation.OnWalTransaction;
import dev.lode.spring.event.WalChangeEvent;
import dev.lode.spring.event.WalTransactionEvent;
import dev.lode.spring.listener.InvalidListenerMethodException;
import dev.lode.spring.listener.WalChangeListenerFactory;
import dev.lode.spring.listener.WalChangeListenerMethodAdapter;
import dev.lode.spring.listener.WalTransactionListenerMethodAdapter;
import java.util.List;
import java.util.Map;

import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import dev.lode.spring.boot.autoconfigure.LodeAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.Async;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unusable {@code @OnWalChange} methods fail startup with a message naming the method. No server is
 * needed: listeners are validated before the replication container starts.
 */
class InvalidListenerTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LodeAutoConfiguration.class))
		.withPropertyValues("lode.url=jdbc:postgresql://127.0.0.1:1/never", "lode.auto-startup=false");

	@Test
	void aListenerWithAnUnsupportedParameterFailsStartupNamingTheMethod() {
		this.runner.withUserConfiguration(StringParameter.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidListenerMethodException.class)
				.hasMessageContaining("dev.lode.spring.InvalidListenerTests$StringParameter.onChange(String)")
				.hasMessageContaining("unsupported type String"));
	}

	@Test
	void aListenerThatReturnsAValueFailsStartupNamingTheMethod() {
		this.runner.withUserConfiguration(ReturnsValue.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidListenerMethodException.class)
				.hasMessageContaining("ReturnsValue.onChange(WalChange)")
				.hasMessageContaining("methods return void, or a CompletionStage"));
	}

	@Test
	void anAsyncListenerFailsStartupNamingTheMethod() {
		this.runner.withUserConfiguration(AsyncListener.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidListenerMethodException.class)
				.hasMessageContaining("AsyncListener.onChange(WalChange)")
				.hasMessageContaining("@Async"));
	}

	@Test
	void aListenerWithTwoParametersFailsStartupNamingTheMethod() {
		this.runner.withUserConfiguration(TwoParameters.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidListenerMethodException.class)
				.hasMessageContaining("TwoParameters.onChange(WalChange, WalChange)"));
	}

	@Test
	void twoNewRowParametersFailStartupSayingWhatIsAllowed() {
		assertInvalid(TwoNewRows.class, "TwoNewRows.onChange(InvalidListenerTests.Row, Map)", "parameters 1 and 2 both receive the new row",
				"at most one of each");
	}

	@Test
	void twoOldRowParametersFailStartup() {
		assertInvalid(TwoOldRows.class, "TwoOldRows.onChange(InvalidListenerTests.Row, InvalidListenerTests.Row)", "both receive the old row");
		// the action fits the problem, not a generic "make it void, no @Async"
		this.runner.withUserConfiguration(TwoOldRows.class).run((context) -> {
			InvalidListenerMethodException invalid = (InvalidListenerMethodException) assertThat(context).getFailure()
				.rootCause()
				.actual();
			assertThat(invalid.getAction()).startsWith("Keep one of the two parameters (the old row arrives once)")
				.doesNotContain("void")
				.doesNotContain("@Async");
		});
	}

	@Test
	void twoTransactionInfoParametersFailStartup() {
		assertInvalid(TwoTransactions.class, "TwoTransactions.onChange(TransactionInfo, TransactionInfo)",
				"both receive the TransactionInfo");
	}

	@Test
	void aPrimitiveParameterFailsStartup() {
		assertInvalid(IntParameter.class, "IntParameter.onChange(int)", "unsupported type int", "WalChange");
	}

	@Test
	void aMapOfStringsFailsStartupAskingForMapOfObjects() {
		assertInvalid(StringMap.class, "StringMap.onChange(Map)", "Map<String, String>",
				"as Map<String, Object>");
	}

	@Test
	void oldRowOnAWalChangeFailsStartup() {
		assertInvalid(OldRowOnChange.class, "OldRowOnChange.onChange(WalChange)", "annotated @OldRow");
	}

	@Test
	void aListOfChangesOnAChangeListenerPointsToOnWalTransaction() {
		assertInvalid(ListOnChangeListener.class, "ListOnChangeListener.onChange(List)", "@OnWalTransaction");
	}

	@Test
	void anUnparsableConditionFailsStartupQuotingIt() {
		assertInvalid(BadCondition.class, "BadCondition.onChange()", "its condition \"changed('status'\"",
				"not a valid SpEL expression");
	}

	@Test
	void aTransactionListenerWithASingleChangeFailsStartup() {
		assertInvalid(TransactionWithChange.class, "Invalid @OnWalTransaction method",
				"TransactionWithChange.onTransaction(WalChange)", "for @OnWalChange methods", "List<WalChange>");
	}

	@Test
	void aTransactionListenerWithAListOfSomethingElseFailsStartup() {
		assertInvalid(TransactionWithStrings.class, "TransactionWithStrings.onTransaction(List)",
				"List of String", "as List<WalChange>");
	}

	@Test
	void aTransactionListenerThatReturnsAValueFailsStartup() {
		assertInvalid(TransactionReturnsValue.class, "TransactionReturnsValue.onTransaction(List)",
				"@OnWalTransaction methods return void, or a CompletionStage", "Make it return void");
	}

	@Test
	void aMethodWithBothAnnotationsFailsStartup() {
		assertInvalid(BothAnnotations.class, "BothAnnotations.onBoth()", "both @OnWalChange and @OnWalTransaction");
	}

	@Test
	void everyParameterKindInAnyOrderStarts() {
		this.runner.withUserConfiguration(AllKinds.class).run((context) -> {
			assertThat(context).hasNotFailed();
			WalChangeListenerFactory factory = context.getBean(WalChangeListenerFactory.class);
			assertThat(factory.getListeners()).extracting(WalChangeListenerMethodAdapter::getListenerId)
				.containsExactlyInAnyOrder("AllKinds.everything", "AllKinds.maps", "AllKinds.event");
			assertThat(factory.getTransactionListeners())
				.extracting(WalTransactionListenerMethodAdapter::getListenerId)
				.containsExactlyInAnyOrder("AllKinds.transaction", "AllKinds.nothing");
			assertThat(factory.getFilters()).hasSize(5);
		});
	}

	@Test
	void withoutJacksonARecordParameterFailsStartupAndAMapParameterWorks() {
		this.runner.withClassLoader(new FilteredClassLoader("com.fasterxml.jackson.databind", "tools.jackson.databind"))
			.withUserConfiguration(TwoOldRows.class)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("no jackson-databind is on the class path"));
		this.runner.withClassLoader(new FilteredClassLoader("com.fasterxml.jackson.databind", "tools.jackson.databind"))
			.withUserConfiguration(MapsOnly.class)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	/** The parts appear in the message (the problem) or the action (the fix). */
	private void assertInvalid(Class<?> config, String... parts) {
		this.runner.withUserConfiguration(config).run((context) -> {
			Throwable root = assertThat(context).getFailure().rootCause().actual();
			assertThat(root).isInstanceOf(InvalidListenerMethodException.class);
			InvalidListenerMethodException invalid = (InvalidListenerMethodException) root;
			assertThat(invalid.getMessage() + " / " + invalid.getAction()).contains(parts);
		});
	}

	@Test
	void validListenersStart() {
		this.runner.withUserConfiguration(Valid.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(WalChangeListenerFactory.class).getListeners())
				.extracting(WalChangeListenerMethodAdapter::getListenerId)
				.containsExactlyInAnyOrder("Valid.withChange", "Valid.withoutParameter");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class StringParameter {

		@OnWalChange(table = "orders")
		void onChange(String change) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ReturnsValue {

		@OnWalChange(table = "orders")
		String onChange(WalChange change) {
			return "no";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AsyncListener {

		@Async
		@OnWalChange(table = "orders")
		void onChange(WalChange change) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoParameters {

		@OnWalChange(table = "orders")
		void onChange(WalChange a, WalChange b) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Valid {

		@OnWalChange(table = "orders")
		void withChange(WalChange change) {
		}

		@OnWalChange(table = "orders")
		void withoutParameter() {
		}

	}

	record Row(int id, String customer) {

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoNewRows {

		@OnWalChange(table = "orders")
		void onChange(Row row, Map<String, Object> values) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoOldRows {

		@OnWalChange(table = "orders")
		void onChange(@OldRow Row a, @OldRow Row b) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoTransactions {

		@OnWalChange(table = "orders")
		void onChange(TransactionInfo a, TransactionInfo b) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class IntParameter {

		@OnWalChange(table = "orders")
		void onChange(int id) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class StringMap {

		@OnWalChange(table = "orders")
		void onChange(Map<String, String> values) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OldRowOnChange {

		@OnWalChange(table = "orders")
		void onChange(@OldRow WalChange change) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ListOnChangeListener {

		@OnWalChange(table = "orders")
		void onChange(List<WalChange> changes) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadCondition {

		@OnWalChange(table = "orders", condition = "changed('status'")
		void onChange() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TransactionWithChange {

		@OnWalTransaction(table = "orders")
		void onTransaction(WalChange change) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TransactionWithStrings {

		@OnWalTransaction(table = "orders")
		void onTransaction(List<String> changes) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TransactionReturnsValue {

		@OnWalTransaction(table = "orders")
		int onTransaction(List<WalChange> changes) {
			return 0;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BothAnnotations {

		@OnWalChange
		@OnWalTransaction
		void onBoth() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MapsOnly {

		@OnWalChange(table = "orders")
		void maps(@OldRow Map<String, Object> old, Map<String, Object> row, WalChange change) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AllKinds {

		@OnWalChange(table = "orders", condition = "#row != null and #current != null")
		void everything(TransactionInfo transaction, @OldRow Row before, WalChange change, Row current) {
		}

		@OnWalChange(table = "orders")
		void maps(@OldRow Map<String, Object> old, Map<String, ?> row) {
		}

		@OnWalChange(table = "orders")
		void event(WalChangeEvent event) {
		}

		@OnWalTransaction(table = "orders")
		void transaction(TransactionInfo transaction, List<WalChange> changes, WalTransactionEvent event) {
		}

		@OnWalTransaction
		void nothing() {
		}

	}

}
