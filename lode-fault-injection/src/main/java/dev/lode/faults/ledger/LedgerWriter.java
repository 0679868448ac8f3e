package dev.lode.faults.ledger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends records to a consumer run's ledger file, one line each, with one {@code write} system call
 * per record and (by default) {@link FileChannel#force} before returning. A record is therefore in
 * the file once its method returned, whatever happens to the process afterwards ({@code kill -9}
 * cannot lose it: the bytes are in the kernel); with {@code force} it also survives a crash of the
 * machine. A process killed inside {@code write} leaves at most one partial last line, which the
 * {@link LedgerReader} ignores.
 *
 * <p>Line formats (see {@link LedgerRecord}):
 * <ul>
 * <li>{@code d <id> <commitLsn>}: the listener received row {@code id} and is about to return;</li>
 * <li>{@code u <id> <commitLsn>}: the listener received the update of row {@code id} (the writer updates
 * each transaction's last row in the next transaction) and is about to return;</li>
 * <li>{@code s <confirmedLsn>}: lode (re)started streaming from the slot at that position;</li>
 * <li>{@code f <id>}: the listener throws an injected transient failure for row {@code id};</li>
 * <li>{@code r <attempt>}: lode lost the connection and reconnects;</li>
 * <li>{@code x <text>}: the consumer gives up (lode's container went FAILED).</li>
 * </ul>
 */
public final class LedgerWriter implements AutoCloseable {

	private final FileChannel channel;

	private final boolean force;

	/**
	 * @param file the ledger file (created, or appended to)
	 * @param force whether to {@code fsync} every record
	 */
	public LedgerWriter(Path file, boolean force) {
		try {
			this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
					StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot open the ledger " + file, ex);
		}
		this.force = force;
	}

	/** Row {@code id} was delivered; call it last in the listener, right before returning. */
	public void delivered(long id, String commitLsn) throws IOException {
		append("d " + id + " " + commitLsn);
	}

	/** The update of row {@code id} was delivered; call it last in the listener, right before returning. */
	public void updated(long id, String commitLsn) throws IOException {
		append("u " + id + " " + commitLsn);
	}

	/**
	 * Records a change of the snapshot table (snapshot mode).
	 * @param id the row's id (the new id of a key-changing UPDATE)
	 * @param change kind, old id ({@code -} when the key did not change), v, and the hash of big ({@code -} for
	 * null, {@code =} when an UPDATE left it unchanged)
	 * @throws IOException if the ledger cannot be written
	 */
	public void copied(long id, String change) throws IOException {
		append("c " + id + " " + change);
	}

	/** lode started (or resumed) streaming at {@code confirmedLsn}. */
	public void sessionStarted(String confirmedLsn) throws IOException {
		append("s " + confirmedLsn);
	}

	/** The listener fails on row {@code id} on purpose. */
	public void injectedFailure(long id) throws IOException {
		append("f " + id);
	}

	/** lode reconnects. */
	public void reconnecting(int attempt) throws IOException {
		append("r " + attempt);
	}

	/** lode gave up streaming. */
	public void gaveUp(String reason) throws IOException {
		append("x " + reason.replace('\n', ' '));
	}

	private synchronized void append(String line) throws IOException {
		ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
		while (bytes.hasRemaining()) {
			this.channel.write(bytes);
		}
		if (this.force) {
			this.channel.force(false);
		}
	}

	@Override
	public synchronized void close() throws IOException {
		this.channel.close();
	}

}
