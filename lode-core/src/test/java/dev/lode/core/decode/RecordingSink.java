package dev.lode.core.decode;

import java.util.ArrayList;
import java.util.List;

import dev.lode.core.Lsn;
import dev.lode.core.TransactionInfo;
import dev.lode.core.WalChange;

/** A {@link DecodeSink} that records every call in order. */
final class RecordingSink implements DecodeSink {

	sealed interface Event permits Begin, Change, Commit, Message {
	}

	record Begin(TransactionInfo transaction) implements Event {
	}

	record Change(WalChange change) implements Event {
	}

	record Commit(TransactionInfo transaction, Lsn endLsn) implements Event {
	}

	record Message(Lsn lsn, String prefix, String content) implements Event {
	}

	final List<Event> events = new ArrayList<>();

	@Override
	public void begin(TransactionInfo transaction) {
		this.events.add(new Begin(transaction));
	}

	@Override
	public void change(WalChange change) {
		this.events.add(new Change(change));
	}

	@Override
	public void commit(TransactionInfo transaction, Lsn endLsn) {
		this.events.add(new Commit(transaction, endLsn));
	}

	@Override
	public void message(Lsn lsn, String prefix, String content) {
		this.events.add(new Message(lsn, prefix, content));
	}

	List<WalChange> changes() {
		return this.events.stream().filter(Change.class::isInstance).map((e) -> ((Change) e).change()).toList();
	}

	List<Begin> begins() {
		return this.events.stream().filter(Begin.class::isInstance).map(Begin.class::cast).toList();
	}

	List<Commit> commits() {
		return this.events.stream().filter(Commit.class::isInstance).map(Commit.class::cast).toList();
	}

	List<Message> messages() {
		return this.events.stream().filter(Message.class::isInstance).map(Message.class::cast).toList();
	}

}
