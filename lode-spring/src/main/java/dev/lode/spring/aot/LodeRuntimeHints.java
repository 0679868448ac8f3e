package dev.lode.spring.aot;

import dev.lode.core.ChangeKind;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;
import dev.lode.spring.listener.WalChangeExpressionRoot;
import org.jspecify.annotations.Nullable;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * lode's own reflection, for an application processed ahead of time (registered in
 * {@code META-INF/spring/aot.factories}): listener conditions are SpEL expressions evaluated on a
 * {@link WalChangeExpressionRoot} and may call the public methods of {@link WalChange},
 * {@link TransactionInfo} and {@link ChangeKind}; the driver's version is read from the public fields of
 * pgjdbc's {@code DriverInfo}.
 *
 * @since 0.1.0
 */
public class LodeRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	@SuppressWarnings("deprecation") // PUBLIC_FIELDS: Framework 7 names it ACCESS_PUBLIC_FIELDS, 6.2 has only this
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		for (Class<?> type : new Class<?>[] { WalChangeExpressionRoot.class, WalChange.class, TransactionInfo.class,
				ChangeKind.class }) {
			hints.reflection().registerType(type, MemberCategory.INVOKE_PUBLIC_METHODS);
		}
		hints.reflection()
			.registerType(TypeReference.of("org.postgresql.util.DriverInfo"), MemberCategory.PUBLIC_FIELDS);
	}

}
