package dev.lode.faults.consumer;

import java.io.IOException;

import dev.lode.core.ChangeKind;
import dev.lode.core.WalChange;
import dev.lode.faults.ledger.LedgerWriter;
import dev.lode.spring.annotation.OnWalChange;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The two-source mode ({@code fault.second-ledger} set, {@code lode.sources.second.*} configured): records every row
 * of the second database's {@code fault_events} that the source {@code second} delivers, durably, in the second
 * ledger, before returning.
 */
@Component
@ConditionalOnProperty("fault.second-ledger")
class SecondSourceListener {

	/** The source's name. */
	static final String SOURCE = "second";

	private final LedgerWriter ledger;

	SecondSourceListener(SecondLedger ledger) {
		this.ledger = ledger.writer();
	}

	@OnWalChange(source = SOURCE, table = "fault_events", kind = ChangeKind.INSERT, id = "secondEvents")
	void onInsert(WalChange change) throws IOException {
		this.ledger.delivered(((Number) change.get("id")).longValue(), change.commitLsn().toString());
	}

	@OnWalChange(source = SOURCE, table = "fault_events", kind = ChangeKind.UPDATE, id = "secondUpdates")
	void onUpdate(WalChange change) throws IOException {
		this.ledger.updated(((Number) change.get("id")).longValue(), change.commitLsn().toString());
	}

	/**
	 * The ledger of the second source.
	 *
	 * @param writer its writer
	 */
	record SecondLedger(LedgerWriter writer) implements AutoCloseable {

		@Override
		public void close() throws IOException {
			this.writer.close();
		}

	}

}
