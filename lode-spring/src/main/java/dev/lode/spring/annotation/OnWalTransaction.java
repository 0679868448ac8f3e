package dev.lode.spring.annotation;

import dev.lode.spring.event.WalTransactionEvent;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.lode.core.ChangeKind;
import org.springframework.context.event.EventListener;
import dev.lode.spring.aot.WalListenerReflectiveProcessor;
import org.springframework.aot.hint.annotation.Reflective;
import org.springframework.core.annotation.AliasFor;

/**
 * Marks a bean method that receives all matching changes of a committed transaction at once, when
 * the transaction's commit arrives. lode acknowledges the transaction only after the method returned.
 *
 * <pre class="code">
 * &#64;OnWalTransaction(table = "orders")
 * void onOrders(List&lt;WalChange&gt; changes, TransactionInfo transaction) { ... }
 * </pre>
 *
 * <p>The method must return {@code void}, must not be {@code @Async}, and may declare, in any order
 * and at most one of each: {@code List<WalChange>} (the transaction's changes that match the filter,
 * in commit order), {@link dev.lode.core.TransactionInfo}, and {@link WalTransactionEvent}. It is
 * called only for transactions with at least one matching change; per-change listeners
 * ({@link OnWalChange}) of the same changes have run before it.
 *
 * <p><strong>Memory:</strong> the matching changes of a transaction are held in memory until its
 * commit arrives, so a transaction that changes millions of matching rows holds millions of
 * {@link dev.lode.core.WalChange}s. Narrow the filter, or use {@link OnWalChange} for tables that see
 * large transactions.
 *
 * @since 0.1.0
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
// AOT: invocation hints for the method, binding hints for a record or POJO row parameter
@Reflective(WalListenerReflectiveProcessor.class)
@EventListener(WalTransactionEvent.class)
public @interface OnWalTransaction {

	/**
	 * The source whose transactions the listener receives: the name of a {@code lode.sources.<name>}; empty (the
	 * default) for the source configured under {@code lode.*}. A name that is not a configured source fails startup.
	 * @return the source's name
	 * @since 0.4.0
	 */
	String source() default "";

	/**
	 * The tables whose changes to collect; empty (the default) means every table.
	 * @return the table names (case-sensitive, unquoted)
	 */
	String[] table() default {};

	/**
	 * The schema of the tables; empty (the default) means any schema.
	 * @return the schema name
	 */
	String schema() default "";

	/**
	 * The kinds of change to collect; empty (the default) means all kinds.
	 * @return the kinds
	 */
	ChangeKind[] kind() default {};

	/**
	 * A SpEL expression evaluated for each change of the transaction; only changes for which it is
	 * {@code true} are collected. Same root object and variables as {@link OnWalChange#condition()},
	 * except that method parameters are not available.
	 * @return the condition; empty (the default) for none
	 */
	@AliasFor(annotation = EventListener.class, attribute = "condition")
	String condition() default "";

	/**
	 * An id for the listener, used in logs, errors and metrics; defaults to
	 * {@code DeclaringClassSimpleName.methodName}.
	 * @return the id
	 */
	@AliasFor(annotation = EventListener.class, attribute = "id")
	String id() default "";

}
