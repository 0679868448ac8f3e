package dev.lode.faults.consumer;

import java.io.IOException;

import dev.lode.core.Lsn;
import dev.lode.core.replication.ReplicationObserver;
import dev.lode.faults.ledger.LedgerWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes lode's session starts (with the slot's confirmed position) and reconnects into the ledger, so the
 * audit can check commit order per session and that nothing acknowledged was delivered again.
 */
class LedgerObserver implements ReplicationObserver {

	private static final Logger logger = LoggerFactory.getLogger(LedgerObserver.class);

	private final LedgerWriter ledger;

	/** The second source's ledger (two-source mode), or {@code null}. */
	private final @org.jspecify.annotations.Nullable LedgerWriter second;

	LedgerObserver(LedgerWriter ledger, @org.jspecify.annotations.Nullable LedgerWriter second) {
		this.ledger = ledger;
		this.second = second;
	}

	/** The second source's sessions go to its own ledger. */
	@Override
	public ReplicationObserver forSource(String source) {
		LedgerWriter other = this.second;
		return (other != null && SecondSourceListener.SOURCE.equals(source)) ? new LedgerObserver(other, null) : this;
	}

	@Override
	public void streamingStarted(String slot, Lsn confirmedLsn) {
		try {
			this.ledger.sessionStarted(confirmedLsn.toString());
		}
		catch (IOException ex) {
			logger.error("Could not write to the ledger", ex);
		}
	}

	@Override
	public void reconnecting(int attempt, Throwable cause) {
		try {
			this.ledger.reconnecting(attempt);
		}
		catch (IOException ex) {
			logger.error("Could not write to the ledger", ex);
		}
	}

}
