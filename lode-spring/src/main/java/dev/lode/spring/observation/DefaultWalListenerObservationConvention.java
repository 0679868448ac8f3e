package dev.lode.spring.observation;

import dev.lode.core.WalChange;
import io.micrometer.common.KeyValues;

/**
 * lode's observation of a listener call: named {@code lode.listener.invocation} (contextual name
 * {@code lode <listener id>}), with the low-cardinality key values {@code lode.listener.id},
 * {@code lode.table} ({@code schema.table}, or {@code none} for a transaction-level listener),
 * {@code lode.kind} ({@code insert}, ..., or {@code transaction}) and {@code lode.outcome} ({@code success},
 * {@code failure}), and the high-cardinality ones {@code lode.commit.lsn} and {@code lode.xid}.
 *
 * @since 0.2.0
 */
public class DefaultWalListenerObservationConvention implements WalListenerObservationConvention {

	/** The shared instance. */
	public static final DefaultWalListenerObservationConvention INSTANCE = new DefaultWalListenerObservationConvention();

	@Override
	public String getName() {
		return "lode.listener.invocation";
	}

	@Override
	public String getContextualName(WalListenerObservationContext context) {
		return "lode " + context.getListenerId();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(WalListenerObservationContext context) {
		WalChange change = context.getChange();
		return KeyValues.of("lode.listener.id", context.getListenerId(), "lode.table",
				(change != null) ? change.qualifiedTable() : "none", "lode.kind",
				(change != null) ? change.kind().name().toLowerCase(java.util.Locale.ROOT) : "transaction",
				"lode.outcome", (context.getError() != null) ? "failure" : "success");
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(WalListenerObservationContext context) {
		return KeyValues.of("lode.commit.lsn", context.getTransaction().commitLsn().toString(), "lode.xid",
				Long.toString(context.getTransaction().xid()));
	}

}
