package dev.lode.spring.annotation;

import dev.lode.spring.event.WalChangeEvent;
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
 * Marks a bean method that receives committed row changes streamed from PostgreSQL.
 *
 * <pre class="code">
 * &#64;OnWalChange(table = "orders", kind = ChangeKind.INSERT)
 * void onNewOrder(Order order, TransactionInfo transaction) { ... }
 *
 * &#64;OnWalChange(table = "orders", kind = ChangeKind.UPDATE, condition = "changed('status')")
 * void onStatusChange(Order order, &#64;OldRow Order before) { ... }
 * </pre>
 *
 * <p>The method is called on lode's replication thread, synchronously, in commit order; listeners of
 * the same change run in {@link org.springframework.core.annotation.Order @Order} order. lode
 * acknowledges a transaction to PostgreSQL only after every listener of every change of the
 * transaction returned normally; if a listener throws, nothing of that transaction is acknowledged.
 * Delivery is at least once: make listeners idempotent.
 *
 * <p>The method must return {@code void}, must not be {@code @Async}, and may declare, in any order
 * and at most one of each:
 * <ul>
 * <li>{@link dev.lode.core.WalChange} (the change itself);
 * <li>{@link dev.lode.core.TransactionInfo} (xid, commit LSN and commit time);
 * <li>the new row: a record or POJO (columns {@code snake_case} bound to properties
 * {@code camelCase}, values converted to the property types with Jackson) or a
 * {@code Map<String, Object>} of the column values; a record or POJO is {@code null} for DELETE and
 * TRUNCATE;
 * <li>the old row: a record, POJO or {@code Map<String, Object>} annotated {@link OldRow @OldRow},
 * bound from {@link dev.lode.core.WalChange#oldValues()} (the key only, unless the table has
 * {@code REPLICA IDENTITY FULL}); a record or POJO is {@code null} for INSERT;
 * <li>{@link WalChangeEvent}.
 * </ul>
 * Anything else fails startup with an {@link InvalidListenerMethodException} naming the method.
 *
 * @since 0.1.0
 * @see OnWalTransaction
 * @see WalChangeExpressionRoot
 */
@Target({ ElementType.METHOD, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
// AOT: invocation hints for the method, binding hints for a record or POJO row parameter
@Reflective(WalListenerReflectiveProcessor.class)
@EventListener(WalChangeEvent.class)
public @interface OnWalChange {

	/**
	 * The source whose changes the listener receives: the name of a {@code lode.sources.<name>} (a database
	 * connection and a slot of its own); empty (the default) for the source configured under {@code lode.*}. A
	 * name that is not a configured source fails startup.
	 * @return the source's name
	 * @since 0.4.0
	 */
	String source() default "";

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
	 * A SpEL expression that must evaluate to {@code true} for the listener to be called, evaluated
	 * after the table, schema and kind filters. The root object is a {@link WalChangeExpressionRoot}
	 * ({@code changed('status')}, {@code changedColumns()}, {@code row}, {@code old}, {@code change});
	 * the variables are {@code #change} (the {@link dev.lode.core.WalChange}), {@code #row} (the new
	 * values), {@code #old} (the old values) and the method's parameters by name. Parsed once, at
	 * startup; an unparsable expression fails startup.
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

	/**
	 * Whether the method keeps each row's order itself when it returns a {@link java.util.concurrent.CompletionStage}:
	 * it starts its work in the order it is called and completes it in that order (as a Kafka producer does for one
	 * partition), so lode may deliver a row's next change before the stage of its previous change completed. By
	 * default ({@code false}) a row's next change waits for that stage, which limits one row to one completion at a
	 * time. A listener that fails a change must then fail the row's later changes too, or a redelivery could come
	 * after them.
	 * @return whether a row's next change may overtake the completion of its previous one
	 * @since 0.4.0
	 */
	boolean pipelined() default false;

}
