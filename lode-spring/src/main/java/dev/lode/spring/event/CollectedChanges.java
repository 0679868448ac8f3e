package dev.lode.spring.event;

import java.util.List;

import dev.lode.core.WalChange;

/**
 * The changes of one transaction that each transaction-level listener collected, handed with the
 * {@link WalTransactionEvent} to those listeners (lode's dispatcher implements it).
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface CollectedChanges {

	/**
	 * @param listener a transaction-level listener
	 * @return the changes it collected, in commit order, empty if none
	 */
	List<WalChange> collected(Object listener);

}
