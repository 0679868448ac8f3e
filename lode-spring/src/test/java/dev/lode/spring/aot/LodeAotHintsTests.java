package dev.lode.spring.aot;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;

import dev.lode.core.WalChange;
import dev.lode.spring.annotation.OldRow;
import dev.lode.spring.annotation.OnWalChange;
import dev.lode.spring.annotation.OnWalTransaction;
import dev.lode.spring.listener.WalChangeExpressionRoot;
import org.junit.jupiter.api.Test;
import org.springframework.aot.AotDetector;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.AotServices;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Spring's AOT processing of an application with lode listeners registers: invocation of the
 * listener methods, binding of their record and POJO rows, and lode's own reflection.
 */
@SuppressWarnings("deprecation") // onMethod(..).invoke(): Framework 7 adds onMethodInvocation, 6.2 has only this
class LodeAotHintsTests {

	@Test
	void listenerMethodsMayBeInvokedAndTheirRowTypesBound() throws Exception {
		RuntimeHints hints = processAheadOfTime(Listeners.class);

		for (String name : new String[] { "onOrder", "onUpdate", "onTransaction" }) {
			assertThat(RuntimeHintsPredicates.reflection().onMethod(listenerMethod(name)).invoke()).as(name)
				.accepts(hints);
		}
		assertThat(RuntimeHintsPredicates.reflection().onType(OrderRow.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethod(OrderRow.class.getMethod("customer")).invoke())
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(OrderRow.class)
			.withMemberCategories(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS, MemberCategory.DECLARED_FIELDS))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Customer.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(PojoRow.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethod(PojoRow.class.getMethod("setNote", String.class)).invoke())
			.accepts(hints);
	}

	@Test
	void lodesOwnReflectionIsRegisteredThroughAotFactories() throws Exception {
		List<RuntimeHintsRegistrar> registrars = AotServices.factories().load(RuntimeHintsRegistrar.class).asList();
		assertThat(registrars).hasAtLeastOneElementOfType(LodeRuntimeHints.class);
		RuntimeHints hints = new RuntimeHints();
		new LodeRuntimeHints().registerHints(hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethod(WalChangeExpressionRoot.class.getMethod("getRow"))
			.invoke()).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethod(WalChange.class.getMethod("table")).invoke())
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(TypeReference.of("org.postgresql.util.DriverInfo"))
			.withMemberCategory(MemberCategory.PUBLIC_FIELDS)).accepts(hints);
	}

	@Test
	void rowTypesAreTheApplicationsClassesOnly() {
		assertThat(WalListenerReflectiveProcessor.isBoundRow(OrderRow.class)).isTrue();
		assertThat(WalListenerReflectiveProcessor.isBoundRow(PojoRow.class)).isTrue();
		assertThat(WalListenerReflectiveProcessor.isBoundRow(WalChange.class)).isFalse();
		assertThat(WalListenerReflectiveProcessor.isBoundRow(Map.class)).isFalse();
		assertThat(WalListenerReflectiveProcessor.isBoundRow(List.class)).isFalse();
		assertThat(WalListenerReflectiveProcessor.isBoundRow(String.class)).isFalse();
		assertThat(AotDetector.useGeneratedArtifacts()).isFalse();
	}

	private static RuntimeHints processAheadOfTime(Class<?> beanClass) {
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			context.registerBean(beanClass);
			DefaultGenerationContext generation = new DefaultGenerationContext(
					new ClassNameGenerator(ClassName.get(LodeAotHintsTests.class)), new InMemoryGeneratedFiles());
			new ApplicationContextAotGenerator().processAheadOfTime(context, generation);
			return generation.getRuntimeHints();
		}
	}

	private static Method listenerMethod(String name) {
		for (Method method : Listeners.class.getDeclaredMethods()) {
			if (method.getName().equals(name)) {
				return method;
			}
		}
		throw new IllegalArgumentException(name);
	}

	record Customer(String name) {
	}

	record OrderRow(long id, String customer, Customer details) {
	}

	static class PojoRow {

		private String note;

		public String getNote() {
			return this.note;
		}

		public void setNote(String note) {
			this.note = note;
		}

	}

	static class Listeners {

		@OnWalChange(table = "orders")
		void onOrder(OrderRow order, WalChange change) {
		}

		@OnWalChange(table = "notes")
		void onUpdate(PojoRow row, @OldRow Map<String, Object> old) {
		}

		@OnWalTransaction
		void onTransaction(List<WalChange> changes) {
		}

	}

}
