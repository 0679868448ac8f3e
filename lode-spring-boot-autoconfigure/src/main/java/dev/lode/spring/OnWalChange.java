package dev.lode.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.lode.core.ChangeKind;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.AliasFor;

/**
 * Marks a bean method that receives committed row changes streamed from PostgreSQL.
 *
 * <pre class="code">
 * &#64;OnWalChange(table = "orders", kind = ChangeKind.INSERT)
 * void onNewOrder(WalChange change) { ... }
 * </pre>
 *
 * <p>The method is called on lode's replication thread, synchronously, in commit order. lode
 * acknowledges a transaction to PostgreSQL only after every listener of every change of the
 * transaction returned normally; if a listener throws, nothing of that transaction is acknowledged.
 * Delivery is at least once: make listeners idempotent.
 *
 * <p>The method must return {@code void}, must not be {@code @Async}, and may declare one parameter
 * of type {@link dev.lode.core.WalChange} (or none).
 *
 * @since 0.1.0
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@EventListener(WalChangeEvent.class)
public @interface OnWalChange {

	/**
	 * The tables to listen to; empty (the default) means every table.
	 * @return the table names (case-sensitive, unquoted)
	 */
	String[] table() default {};

	/**
	 * The schema of the tables; empty (the default) means any schema.
	 * @return the schema name
	 */
	String schema() default "";

	/**
	 * The kinds of change to receive; empty (the default) means all kinds.
	 * @return the kinds
	 */
	ChangeKind[] kind() default {};

	/**
	 * An id for the listener, used in logs, errors and metrics; defaults to
	 * {@code declaringClass.methodName}.
	 * @return the id
	 */
	@AliasFor(annotation = EventListener.class, attribute = "id")
	String id() default "";

}
